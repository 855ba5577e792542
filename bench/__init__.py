"""Performance benchmarks; targets in the README ("Benchmark targets"). Run: python bench/run.py"""
