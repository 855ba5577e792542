"""Nothing outside assets/kinds/ branches on an asset's kind.

What counts as branching, in Python (read with `ast`):
- a comparison (``==``, ``!=``, ``in``, ``not in``, ``is``) with an
  ``AssetKind`` member on either side, or inside a literal list, tuple or
  set on either side;
- a ``match`` case on an ``AssetKind`` member;
- a literal list, tuple or set of ``AssetKind`` members anywhere (a set of
  kinds is a branch waiting to happen: the next kind would have to be added
  to it), including ``frozenset({...})``;
- a query lookup on the kind: a keyword whose name is ``kind`` or ends in
  ``__kind`` / starts with ``kind__`` (or ``<relation>__kind__...``) in a call
  to ``filter``, ``exclude``, ``get``, ``get_or_create``,
  ``update_or_create`` or ``Q``, whose value names a member or a kind key
  string. Use ``kind__in=keys_where(...)`` instead.
- a comparison of a name or attribute called ``kind`` with a string that is
  a kind key.

What does not count: creating an object with ``kind=AssetKind.EMAIL``
(``create``, a model constructor, factories): that is construction, not a
decision; reading ``AssetKind.choices``; dictionaries keyed by members
(data). The choices class itself (assets/models.py) is allowed. Tests,
migrations and the virtualenv are not scanned.

In templates: ``kind ==``, ``kind !=``, ``kind in`` and ``... == x.kind``.
"""

import ast
import re
from pathlib import Path

from assets.kinds import KINDS
from assets.models import AssetKind

ROOT = Path(__file__).resolve().parents[3]
SKIPPED_DIRS = {".venv", "migrations", "tests", "node_modules", ".git", "kinds"}
LOOKUP_CALLS = {"filter", "exclude", "get", "get_or_create", "update_or_create", "Q"}
KIND_KEYS = {member.value for member in AssetKind}
TEMPLATE_PATTERN = re.compile(r"\bkind\s*(?:==|!=|\bnot\s+in\b|\bin\b)|(?:==|!=)\s*[\w.]*\bkind\b")


def _is_member(node) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "AssetKind"
        and node.attr.isupper()
    )


def _names_kind(node) -> bool:
    return (isinstance(node, ast.Name) and node.id == "kind") or (
        isinstance(node, ast.Attribute) and node.attr == "kind"
    )


def _is_kind_key(node) -> bool:
    return isinstance(node, ast.Constant) and node.value in KIND_KEYS


def _members_in(node) -> bool:
    """The node is a member, or a literal collection holding one."""
    if _is_member(node):
        return True
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return any(_members_in(element) for element in node.elts)
    return False


def _keys_in(node) -> bool:
    if _is_kind_key(node):
        return True
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return any(_keys_in(element) for element in node.elts)
    return False


def _is_kind_lookup(keyword: str | None) -> bool:
    if not keyword:
        return False
    parts = keyword.split("__")
    return "kind" in parts


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def kind_branches(source: str, filename: str = "<snippet>") -> list[str]:
    """'line N: what' for every place `source` branches on an asset kind."""
    tree = ast.parse(source, filename=filename)
    found = []
    collections_in_compare = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            for operand in operands:
                if isinstance(operand, (ast.List, ast.Tuple, ast.Set)):
                    collections_in_compare.add(id(operand))
            if any(_members_in(operand) for operand in operands):
                found.append(f"line {node.lineno}: comparison with an AssetKind member")
            elif any(_names_kind(o) for o in operands) and any(_keys_in(o) for o in operands):
                found.append(f"line {node.lineno}: comparison of a kind with a kind key")
        elif isinstance(node, ast.match_case):
            for pattern in ast.walk(node.pattern):
                if isinstance(pattern, ast.MatchValue) and _is_member(pattern.value):
                    found.append(f"line {pattern.lineno}: match case on an AssetKind member")
        elif isinstance(node, ast.Call) and _call_name(node) in LOOKUP_CALLS:
            for keyword in node.keywords:
                if _is_kind_lookup(keyword.arg) and (
                    _members_in(keyword.value) or _keys_in(keyword.value)
                ):
                    found.append(f"line {node.lineno}: query lookup {keyword.arg}=<kind>")
    for node in ast.walk(tree):
        if (
            isinstance(node, (ast.List, ast.Tuple, ast.Set))
            and id(node) not in collections_in_compare
            and any(_is_member(element) for element in node.elts)
        ):
            found.append(f"line {node.lineno}: a collection of AssetKind members")
    return sorted(set(found), key=lambda line: int(line.split(":")[0].split()[1]))


def template_branches(text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for tag in re.findall(r"{%.*?%}|{{.*?}}", line):
            if TEMPLATE_PATTERN.search(tag):
                found.append(f"line {number}: {tag.strip()}")
    return found


def _project_files(suffix: str):
    for path in sorted(ROOT.rglob(f"*{suffix}")):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS.intersection(relative.parts[:-1]):
            continue
        yield relative, path


def test_no_python_module_outside_assets_kinds_branches_on_a_kind():
    offences = []
    for relative, path in _project_files(".py"):
        for problem in kind_branches(path.read_text(encoding="utf-8"), str(relative)):
            offences.append(f"{relative} {problem}")
    assert offences == [], "Ask the kind's spec (assets/kinds/) instead:\n" + "\n".join(offences)


def test_no_template_compares_kinds():
    offences = []
    for relative, path in _project_files(".html"):
        for problem in template_branches(path.read_text(encoding="utf-8")):
            offences.append(f"{relative} {problem}")
    assert offences == [], "Use asset.kind_spec in templates:\n" + "\n".join(offences)


def test_the_scan_covers_the_project():
    scanned = {str(relative) for relative, _ in _project_files(".py")}
    assert "assets/views.py" in scanned
    assert "portal/landing/public.py" in scanned
    assert "portal/demo/seed.py" in scanned
    assert not any(name.startswith("assets/kinds/") for name in scanned)
    templates = {str(relative) for relative, _ in _project_files(".html")}
    assert "templates/assets/asset_detail.html" in templates


def test_the_scan_finds_every_form_of_branching():
    snippet = """
if asset.kind == AssetKind.FILE:
    pass
if AssetKind.EMAIL != kind:
    pass
if asset.kind in (AssetKind.GUIDELINE, AssetKind.TRAINING):
    pass
LAYOUT = frozenset({AssetKind.PDF_LAYOUT, AssetKind.IMAGE_LAYOUT})
Asset.objects.filter(kind=AssetKind.LANDING_PAGE)
assets.exclude(kind__in=[AssetKind.FILE])
Q(asset__kind="training")
if obj.kind == "guideline":
    pass
match asset.kind:
    case AssetKind.EMAIL:
        pass
"""
    found = kind_branches(snippet)
    lines = sorted({int(entry.split(":")[0].split()[1]) for entry in found})
    assert lines == [2, 4, 6, 8, 9, 10, 11, 12, 15], found


def test_the_scan_leaves_construction_and_data_alone():
    snippet = """
Asset.objects.create(kit=kit, kind=AssetKind.EMAIL, title="x")
AssetFactory(kind=AssetKind.FILE)
LABELS = {AssetKind.EMAIL: "E-mail", AssetKind.TRAINING: "Course"}
choices = AssetKind.choices
assets.filter(kind__in=keys_where("renderable"))
if spec.key == other.key:
    pass
"""
    assert kind_branches(snippet) == []


def test_the_template_scan_bites():
    text = (
        '{% if asset.kind == "file" %}x{% endif %}\n'
        "{% if original.kind != 'landing_page' %}y{% endif %}\n"
        '{% if "email" == asset.kind %}z{% endif %}\n'
        "{{ asset.get_kind_display }} {% if asset.kind_spec.plain_download %}ok{% endif %}\n"
    )
    assert [entry.split(":")[0] for entry in template_branches(text)] == [
        "line 1",
        "line 2",
        "line 3",
    ]


def test_every_choice_has_exactly_one_spec():
    assert list(KINDS) == [member.value for member in AssetKind]
    for member in AssetKind:
        assert KINDS[member.value].label == member.label
