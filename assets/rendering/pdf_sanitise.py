"""Remove active content and attachments from an uploaded PDF.

A PDF can carry JavaScript (document-level, in open actions, in page,
annotation and form-field trigger actions), actions that launch programs,
submit forms or open other files, embedded files and attachment
annotations, multimedia and XFA forms. None of it belongs in material a
partner downloads, and every stamped copy would carry it, so uploads are
cleaned once: bytes in, cleaned bytes and a list of what was removed out.
Link actions (/URI, /GoTo, named actions) are kept.

A file that needs nothing removed is returned unchanged, byte for byte.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from assets.rendering.errors import RenderError


class PdfRejected(RenderError):
    """An uploaded PDF could not be read, so it could not be cleaned."""


# Actions that run code, start programs, send data or open other files.
ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "actions that launch programs",
    "/SubmitForm": "form submission actions",
    "/ImportData": "data import actions",
    "/GoToE": "links into embedded files",
    "/GoToR": "links that open other files",
    "/Rendition": "multimedia actions",
    "/RichMediaExecute": "multimedia actions",
    "/Movie": "multimedia actions",
    "/Sound": "multimedia actions",
}
# Annotations that carry files or media.
ACTIVE_ANNOTATIONS = {
    "/FileAttachment": "file attachments",
    "/RichMedia": "multimedia",
    "/Screen": "multimedia",
    "/Movie": "multimedia",
    "/Sound": "multimedia",
    "/3D": "3D content",
}
# Keys removed wherever they appear, and what they are.
ACTIVE_KEYS = {
    "/JS": "JavaScript",
    "/AA": "actions run automatically (on open, close, page view or typing)",
    "/EF": "embedded files",
    "/EmbeddedFiles": "embedded files",
    "/AF": "embedded files",
    "/XFA": "XFA forms",
    "/Collection": "file attachments",
    "/RichMediaContent": "multimedia",
}
# Keys that hold an action; the action goes when it is active.
ACTION_KEYS = ("/A", "/OpenAction", "/Next", "/PA")

_PARSE_ERRORS = (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, OSError)


@dataclass(frozen=True)
class SanitisedPdf:
    data: bytes
    removed: tuple[str, ...]  # plain descriptions, each once, sorted


def sanitise_pdf(data: bytes) -> SanitisedPdf:
    """The PDF without active content. Raises PdfRejected when it can't be read."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise PdfRejected(
                "This PDF is password-protected or encrypted; upload an unprotected copy."
            )
        writer = PdfWriter(clone_from=reader)
        removed: set[str] = set()
        _clean(writer._root_object, removed, set())
        if writer._info is not None:
            _clean(writer._info.get_object(), removed, set())
        if not removed:
            return SanitisedPdf(data, ())
        # Drop the objects nothing refers to any more (the scripts themselves).
        _drop_unreachable(writer)
        out = io.BytesIO()
        writer.write(out)
    except PdfRejected:
        raise
    except (*_PARSE_ERRORS, RecursionError) as exc:
        raise PdfRejected(
            "This PDF is damaged or cannot be read, so it can't be checked for active "
            "content. Save it again from your PDF editor."
        ) from exc
    return SanitisedPdf(out.getvalue(), tuple(sorted(removed)))


def _resolve(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def _active_action(value) -> str | None:
    """What an action (or the first active one in an array of actions) is,
    when it is one to remove."""
    value = _resolve(value)
    if isinstance(value, DictionaryObject):
        return ACTIVE_ACTIONS.get(str(value.get("/S", "")))
    if isinstance(value, ArrayObject):
        for item in value:
            found = _active_action(item) if isinstance(_resolve(item), DictionaryObject) else None
            if found:
                return found
    return None


def _clean(root, removed: set[str], seen: set[int]) -> None:
    """Walk everything reachable from `root` (iteratively: outlines and page
    trees can be long chains) and remove active content in place."""
    stack = [root]
    while stack:
        node = _resolve(stack.pop())
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ArrayObject):
            stack.extend(node)
        elif isinstance(node, DictionaryObject):
            _clean_dictionary(node, removed)
            stack.extend(value for key, value in node.items() if key not in ("/Parent", "/P"))


def _clean_dictionary(node: DictionaryObject, removed: set[str]) -> None:
    for key, label in ACTIVE_KEYS.items():
        if key in node:
            del node[NameObject(key)]
            removed.add(label)
    names = _resolve(node.get("/Names"))
    if isinstance(names, DictionaryObject) and "/JavaScript" in names:
        del names[NameObject("/JavaScript")]
        removed.add("JavaScript")
    if str(node.get("/S", "")) in ACTIVE_ACTIONS:
        # An active action reached some other way: make it a harmless one.
        removed.add(ACTIVE_ACTIONS[str(node["/S"])])
        for key in list(node.keys()):
            del node[key]
        node[NameObject("/S")] = NameObject("/Named")
        node[NameObject("/N")] = NameObject("/FirstPage")
        return
    for key in ACTION_KEYS:
        if key in node:
            label = _active_action(node[key])
            if label:
                del node[NameObject(key)]
                removed.add(label)
    annots = _resolve(node.get("/Annots"))
    if isinstance(annots, ArrayObject):
        kept = ArrayObject()
        for annot in annots:
            subtype = str(_resolve(annot).get("/Subtype", "")) if _is_dict(annot) else ""
            if subtype in ACTIVE_ANNOTATIONS:
                removed.add(ACTIVE_ANNOTATIONS[subtype])
            else:
                kept.append(annot)
        if len(kept) != len(annots):
            node[NameObject("/Annots")] = kept


def _is_dict(value) -> bool:
    return isinstance(_resolve(value), DictionaryObject)


def _drop_unreachable(writer: PdfWriter) -> None:
    """Leave out of the file every object the document no longer reaches
    (pypdf's own pass drops only objects nothing at all refers to, which
    keeps an orphaned file specification's embedded file)."""
    reachable: set[int] = set()
    stack = [writer._root_object.indirect_reference]
    info = writer._info
    if info is not None:
        stack.append(info if isinstance(info, IndirectObject) else info.indirect_reference)
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if item.pdf is not writer or item.idnum in reachable:
                continue
            reachable.add(item.idnum)
            item = writer._objects[item.idnum - 1]
        if isinstance(item, DictionaryObject):
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    for idnum in range(1, len(writer._objects) + 1):
        if idnum not in reachable:
            writer._objects[idnum - 1] = None
