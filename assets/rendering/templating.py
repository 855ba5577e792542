"""A dedicated, locked-down Django template engine for asset templates.

Not the site's engine: no loaders (so nothing can be included, extended or
read from disk), autoescape always on, and only the tags and filters listed
here. ``{% load %}``, ``{% include %}``, ``{% extends %}``, ``{% debug %}``,
``{% autoescape %}``, ``{% lorem %}``, ``{% url %}`` and ``|safe`` are not
available. Templates see plain dicts and strings only (variables.template_context).
"""

from __future__ import annotations

from functools import lru_cache

from django.template import Context, Library, Node, TemplateSyntaxError, defaultfilters
from django.template import defaulttags as tags
from django.template.base import FilterExpression, Lexer, TokenType
from django.template.engine import Engine

from assets.rendering.brand import RenderContext
from assets.rendering.errors import TemplateRejected
from assets.rendering.variables import template_context, template_root_names

ALLOWED_TAGS = {
    "if": tags.do_if,
    "for": tags.do_for,
    "with": tags.do_with,
    "comment": tags.comment,
    "cycle": tags.cycle,
    "resetcycle": tags.resetcycle,
    "firstof": tags.firstof,
    "spaceless": tags.spaceless,
    "verbatim": tags.verbatim,
    "templatetag": tags.templatetag,
    "ifchanged": tags.ifchanged,
    "now": tags.now,
    "widthratio": tags.widthratio,
    "regroup": tags.regroup,
}
_CLOSING_TAGS = {
    "elif",
    "else",
    "endif",
    "empty",
    "endfor",
    "endwith",
    "endcomment",
    "endspaceless",
    "endverbatim",
    "endifchanged",
}
#: Filters that would switch escaping off or dump internals.
FORBIDDEN_FILTERS = {"safe", "safeseq", "pprint"}

register = Library()
for _name, _func in ALLOWED_TAGS.items():
    register.tag(_name, _func)
for _name, _func in defaultfilters.register.filters.items():
    if _name not in FORBIDDEN_FILTERS:
        register.filters[_name] = _func


class AssetTemplateEngine(Engine):
    """Engine whose only built-ins are this module's tag and filter library."""

    default_builtins: list[str] = []


def _engine(debug: bool) -> AssetTemplateEngine:
    return AssetTemplateEngine(
        dirs=[],
        app_dirs=False,
        loaders=[],
        libraries={},
        autoescape=True,
        debug=debug,
        builtins=["assets.rendering.templating"],
        string_if_invalid="",
    )


ENGINE = _engine(debug=False)
_CHECK_ENGINE = _engine(debug=True)


def _forbidden_tags(text: str) -> list[str]:
    errors = []
    for token in Lexer(text).tokenize():
        if token.token_type != TokenType.BLOCK:
            continue
        name = token.contents.split()[0] if token.contents.split() else ""
        if name not in ALLOWED_TAGS and name not in _CLOSING_TAGS:
            errors.append(
                f"Line {token.lineno}: the {{% {name} %}} tag is not allowed in asset templates."
            )
    return errors


def _expressions(obj, depth: int = 0):
    """Every FilterExpression reachable from a node's attributes."""
    if depth > 6:
        return
    if isinstance(obj, FilterExpression):
        yield obj
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from _expressions(value, depth + 1)
    elif isinstance(obj, list | tuple):
        for value in obj:
            yield from _expressions(value, depth + 1)
    elif hasattr(obj, "__dict__") and not isinstance(obj, Node | type):
        for key in ("value", "first", "second", "var"):
            if key in vars(obj):
                yield from _expressions(vars(obj)[key], depth + 1)


def _lookups(expression: FilterExpression):
    variables = [expression.var] + [arg for _f, args in expression.filters for _l, arg in args]
    for variable in variables:
        lookups = getattr(variable, "lookups", None)
        if lookups:
            yield lookups


def _variable_uses(template):
    """(lookups, line) for every variable use, skipping names the template
    defines itself (loop variables, {% with %} names, ``as`` targets)."""
    nodes = template.nodelist.get_nodes_by_type(Node)
    local = {"forloop", "block", "True", "False", "None"}
    for node in nodes:
        local.update(getattr(node, "loopvars", None) or ())
        local.update((getattr(node, "extra_context", None) or {}).keys())
        for attr in ("asvar", "variable_name", "var_name"):
            if isinstance(getattr(node, attr, None), str):
                local.add(getattr(node, attr))
    for node in nodes:
        line = getattr(getattr(node, "token", None), "lineno", "?")
        for expression in _expressions(list(vars(node).values())):
            for lookups in _lookups(expression):
                if lookups[0] not in local:
                    yield lookups, line


def _unknown_variables(template, field_names: set[str]) -> list[str]:
    roots = template_root_names()
    errors = []
    for lookups, line in _variable_uses(template):
        root, rest = lookups[0], lookups[1:]
        allowed = field_names if root == "field" else roots.get(root, set())
        known = root in roots or root == "field"
        if known and (allowed is None or (rest and rest[0] in allowed)):
            continue
        errors.append(f"Line {line}: unknown variable {{{{ {'.'.join(lookups)} }}}}.")
    return list(dict.fromkeys(errors))


def template_variables(text: str) -> set[str]:
    """Registry names a template uses ('partner.phone', 'field.x', 'today'),
    for the missing-brand-details check. Raises TemplateRejected."""
    names = set()
    for lookups, _line in _variable_uses(_compiled(text)):
        if lookups[0] == "today":
            names.add("today")
        elif lookups[0] in ("partner", "field", "vendor", "legal") and len(lookups) > 1:
            names.add(f"{lookups[0]}.{lookups[1]}")
    return names


def check_template(text: str, *, field_names: set[str]) -> list[str]:
    """Human-readable problems with a template, for the admin saving it:
    forbidden tags, syntax errors (with line) and unknown variables."""
    errors = _forbidden_tags(text)
    if errors:
        return errors
    try:
        template = _CHECK_ENGINE.from_string(text)
    except TemplateSyntaxError as exc:
        line = getattr(exc, "template_debug", {}).get("line")
        return [f"Line {line}: {exc}" if line else str(exc)]
    return _unknown_variables(template, set(field_names))


@lru_cache(maxsize=64)
def _compiled(text: str):
    errors = _forbidden_tags(text)
    if errors:
        raise TemplateRejected(errors[0])
    try:
        return ENGINE.from_string(text)
    except TemplateSyntaxError as exc:
        raise TemplateRejected(f"The template has an error: {exc}") from exc


def render_template(text: str, ctx: RenderContext) -> str:
    """Render an asset template for one partner (autoescaped)."""
    return render_template_with(text, template_context(ctx))


def render_template_with(text: str, context: dict) -> str:
    """Render with an already built plain context (used by the render worker)."""
    return _compiled(text).render(Context(context, autoescape=True))
