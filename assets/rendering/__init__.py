"""Cobrand rendering library: plain inputs in, ``(filename, content_type, bytes)`` out."""
