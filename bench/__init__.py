"""Performance benchmarks (DESIGN.md section 7). Run: python bench/run.py"""
