"""A PDF carrying every kind of active content the upload must remove, built
with pypdf from a plain designed page (no file checked in)."""

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from tests.assets.rendering.conftest import make_base_pdf

MARKER = "cobrand_hostile_marker"
SAFE_URL = "https://vendor.example/safe-link"


def _js(code: str) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(code),
        }
    )


def _annotation(writer, subtype: str, **entries) -> object:
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject(subtype),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (10, 10, 100, 40)]),
            **{NameObject(k): v for k, v in entries.items()},
        }
    )
    return writer._add_object(annotation)


def hostile_pdf(pages: int = 2) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_base_pdf(pages))))
    writer.add_attachment("payload.exe", f"MZ {MARKER} attached".encode())
    root = writer._root_object
    names = root["/Names"].get_object()
    names[NameObject("/JavaScript")] = DictionaryObject(
        {
            NameObject("/Names"): ArrayObject(
                [TextStringObject("init"), writer._add_object(_js(f"// {MARKER} names"))]
            )
        }
    )
    root[NameObject("/OpenAction")] = writer._add_object(_js(f"app.alert('{MARKER} open');"))
    root[NameObject("/AA")] = DictionaryObject(
        {NameObject("/WC"): writer._add_object(_js(f"app.alert('{MARKER} close');"))}
    )
    page = writer.pages[0]
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): _js(f"// {MARKER} page")})
    launch = DictionaryObject(
        {
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("calc.exe"),
        }
    )
    uri = DictionaryObject(
        {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject(SAFE_URL)}
    )
    # A safe link whose action chains JavaScript after it.
    chained = DictionaryObject(
        {
            NameObject("/S"): NameObject("/URI"),
            NameObject("/URI"): TextStringObject(SAFE_URL + "/2"),
            NameObject("/Next"): _js(f"// {MARKER} next"),
        }
    )
    page[NameObject("/Annots")] = ArrayObject(
        [
            _annotation(writer, "/Link", **{"/A": _js(f"// {MARKER} link")}),
            _annotation(writer, "/Link", **{"/A": launch}),
            _annotation(writer, "/Link", **{"/A": uri}),
            _annotation(writer, "/Link", **{"/A": chained}),
            _annotation(
                writer,
                "/FileAttachment",
                **{
                    "/FS": DictionaryObject(
                        {
                            NameObject("/Type"): NameObject("/Filespec"),
                            NameObject("/F"): TextStringObject("note.txt"),
                        }
                    )
                },
            ),
        ]
    )
    field = _annotation(
        writer,
        "/Widget",
        **{
            "/FT": NameObject("/Tx"),
            "/T": TextStringObject("name"),
            "/AA": DictionaryObject({NameObject("/K"): _js(f"// {MARKER} keystroke")}),
        },
    )
    page[NameObject("/Annots")].append(field)
    root[NameObject("/AcroForm")] = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject([field]),
            NameObject("/XFA"): TextStringObject(f"<xdp>{MARKER}</xdp>"),
            NameObject("/NeedAppearances"): NumberObject(0),
        }
    )
    outline = writer.add_outline_item(title="Start", page_number=0)
    outline.get_object()[NameObject("/A")] = _js(f"// {MARKER} outline")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


ACTIVE_NAMES = {"/JavaScript", "/JS", "/Launch", "/EmbeddedFiles", "/EF", "/XFA", "/AA"}


def active_content(data: bytes) -> set[str]:
    """Every active name, action or attachment reachable in the PDF."""
    reader = PdfReader(io.BytesIO(data))
    found, seen, stack = set(), set(), [reader.trailer]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, DictionaryObject):
            for key, value in node.items():
                if key in ACTIVE_NAMES:
                    found.add(key)
                if str(value) in ACTIVE_NAMES | {"/FileAttachment", "/SubmitForm"}:
                    found.add(str(value))
                if key != "/Parent":
                    stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return found


def link_urls(data: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(data))
    urls = set()
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and action.get_object().get("/S") == "/URI":
                urls.add(str(action.get_object()["/URI"]))
    return urls
