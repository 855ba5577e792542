"""Incremental updates of a PDF: the original bytes are kept unchanged and
new or replaced objects are appended with a cross-reference section that
points back to the original one (PDF 32000-1, 7.5.6).

Stamping needs only a few new objects (pictures, one overlay form, fonts)
and a new version of each stamped page, so this is much cheaper than
parsing and re-writing the whole designed PDF, and the output is exactly the
base plus what was added.
"""

from __future__ import annotations

import io
import struct

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
)


class IncrementalUpdate:
    """Objects to append to ``original`` (the bytes ``reader`` parsed)."""

    def __init__(self, reader: PdfReader, original: bytes) -> None:
        self.reader = reader
        self.original = original
        self.next_id = int(reader.trailer["/Size"])
        self.objects: dict[int, tuple[int, PdfObject]] = {}  # id -> (generation, object)

    def add(self, obj: PdfObject) -> IndirectObject:
        """Append a new object; returns its reference."""
        ref = self._reserve()
        self.objects[ref.idnum] = (0, obj)
        return ref

    def replace(self, ref: IndirectObject, obj: PdfObject) -> None:
        """Write a new version of an existing object."""
        self.objects[ref.idnum] = (ref.generation, obj)

    def _reserve(self) -> IndirectObject:
        ref = IndirectObject(self.next_id, 0, None)
        self.next_id += 1
        return ref

    def import_object(self, obj, memo: dict) -> PdfObject:
        """Copy an object graph from another document (the overlay), giving
        its indirect objects new numbers in this one. Streams are copied
        still encoded."""
        if isinstance(obj, IndirectObject):
            key = obj.idnum, obj.generation
            if key not in memo:
                memo[key] = ref = self._reserve()
                self.objects[ref.idnum] = (0, self.import_object(obj.get_object(), memo))
            return memo[key]
        if isinstance(obj, StreamObject):
            copy = StreamObject()
            copy._data = obj._data
            for key, value in obj.items():
                if key != "/Length":
                    copy[NameObject(key)] = self.import_object(value, memo)
            return copy
        if isinstance(obj, DictionaryObject):
            return DictionaryObject(
                {NameObject(k): self.import_object(v, memo) for k, v in obj.items()}
            )
        if isinstance(obj, ArrayObject):
            return ArrayObject(self.import_object(v, memo) for v in obj)
        return obj

    def write(self) -> bytes:
        """The original bytes followed by the update."""
        out = io.BytesIO()
        out.write(self.original)
        if not self.original.endswith((b"\n", b"\r")):
            out.write(b"\n")
        offsets: dict[int, tuple[int, int]] = {}
        for idnum in sorted(self.objects):
            generation, obj = self.objects[idnum]
            offsets[idnum] = (out.tell(), generation)
            out.write(f"{idnum} {generation} obj\n".encode())
            obj.write_to_stream(out)
            out.write(b"\nendobj\n")
        trailer = self._trailer()
        xref_at = out.tell()
        if self._original_uses_xref_stream():
            xref_id = self.next_id
            offsets[xref_id] = (xref_at, 0)
            self._write_xref_stream(out, offsets, trailer, xref_id)
        else:
            self._write_xref_table(out, offsets, trailer)
        out.write(f"startxref\n{xref_at}\n%%EOF\n".encode())
        return out.getvalue()

    def _trailer(self) -> DictionaryObject:
        original = self.reader.trailer
        trailer = DictionaryObject()
        for key in ("/Root", "/Info", "/ID"):
            if key in original:
                trailer[NameObject(key)] = original.raw_get(key)
        trailer[NameObject("/Prev")] = NumberObject(self.reader._startxref)
        return trailer

    def _original_uses_xref_stream(self) -> bool:
        start = self.reader._startxref
        return not self.original[start : start + 16].lstrip().startswith(b"xref")

    def _runs(self, ids: list[int]) -> list[tuple[int, int]]:
        runs: list[list[int]] = []
        for idnum in ids:
            if runs and runs[-1][0] + runs[-1][1] == idnum:
                runs[-1][1] += 1
            else:
                runs.append([idnum, 1])
        return [(start, count) for start, count in runs]

    def _write_xref_table(self, out, offsets, trailer) -> None:
        out.write(b"xref\n")
        ids = sorted(offsets)
        for start, count in self._runs(ids):
            out.write(f"{start} {count}\n".encode())
            for idnum in range(start, start + count):
                offset, generation = offsets[idnum]
                out.write(f"{offset:010d} {generation:05d} n\r\n".encode())
        trailer[NameObject("/Size")] = NumberObject(max(self.next_id, max(ids) + 1))
        out.write(b"trailer\n")
        trailer.write_to_stream(out)
        out.write(b"\n")

    def _write_xref_stream(self, out, offsets, trailer, xref_id) -> None:
        ids = sorted(offsets)
        stream = StreamObject()
        stream._data = b"".join(struct.pack(">BIH", 1, offsets[i][0], offsets[i][1]) for i in ids)
        stream.update(trailer)
        stream.update(
            {
                NameObject("/Type"): NameObject("/XRef"),
                NameObject("/Size"): NumberObject(xref_id + 1),
                NameObject("/W"): ArrayObject([NumberObject(1), NumberObject(4), NumberObject(2)]),
                NameObject("/Index"): ArrayObject(
                    NumberObject(v) for run in self._runs(ids) for v in run
                ),
            }
        )
        out.write(f"{xref_id} 0 obj\n".encode())
        stream.write_to_stream(out)
        out.write(b"\nendobj\n")
