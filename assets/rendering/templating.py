"""A dedicated, locked-down Django template engine for asset templates.

Not the site's engine: no loaders (so nothing can be included, extended or
read from disk), autoescape always on, and only the tags and filters listed
here. ``{% load %}``, ``{% include %}``, ``{% extends %}``, ``{% debug %}``,
``{% autoescape %}``, ``{% lorem %}``, ``{% url %}`` and ``|safe`` are not
available. Templates see plain dicts and strings only (variables.template_context).

Nothing a template does can build a huge value: filters that take a width
or a number of digits refuse one above ``MAX_FILTER_WIDTH`` (and the save
check refuses such a literal), every filter's result is held to the output
cap, and the text a render produces is counted as it is built, so a render
that would pass the cap stops with RenderLimitExceeded. A filter or tag that
fails at render time (``divisibleby:0``) gives TemplateRejected naming the
line and the problem.
"""

from __future__ import annotations

import contextvars
import functools
import re
from dataclasses import dataclass
from functools import lru_cache

from django.template import Context, Library, Node, TemplateSyntaxError, defaultfilters
from django.template import defaulttags as tags
from django.template.base import FilterExpression, Lexer, TextNode, TokenType, VariableNode
from django.template.engine import Engine

from assets.rendering.brand import RenderContext
from assets.rendering.errors import RenderError, RenderLimitExceeded, TemplateRejected
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

#: The most characters one render may produce unless the caller says otherwise.
DEFAULT_MAX_OUTPUT = 5 * 1024 * 1024
#: The largest width (ljust, rjust, center, stringformat) or number of
#: digits (floatformat) a filter may be asked for.
MAX_FILTER_WIDTH = 1000
_WIDTH_FILTERS = {"ljust", "rjust", "center", "floatformat", "stringformat"}
_NUMBER = re.compile(r"\d+")


@dataclass
class _Budget:
    limit: int
    used: int = 0


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar(
    "template_output_budget", default=None
)


def _output_cap() -> int:
    budget = _BUDGET.get()
    return budget.limit if budget is not None else DEFAULT_MAX_OUTPUT


def _size_text(chars: int) -> str:
    return f"{chars / (1024 * 1024):.3g} MB" if chars >= 1024 * 1024 else f"{chars:,} characters"


def width_problem(name: str, arg) -> str | None:
    """Why ``arg`` is refused as the argument of filter ``name``, or None."""
    if name not in _WIDTH_FILTERS or arg is None:
        return None
    numbers = [int(n) for n in _NUMBER.findall(str(arg))]
    if numbers and max(numbers) > MAX_FILTER_WIDTH:
        return (
            f"The |{name} filter was given {max(numbers):,}; "
            f"the largest it may be given is {MAX_FILTER_WIDTH:,}."
        )
    return None


def _too_big(value) -> bool:
    return isinstance(value, str | list | tuple) and len(value) > _output_cap()


def _capped_filter(name: str, func):
    """``func`` with its width argument checked and its result held to the
    output cap; any other failure becomes TemplateRejected naming the filter."""

    @functools.wraps(func)
    def capped(value, *args, **kwargs):
        if args and (problem := width_problem(name, args[0])):
            raise TemplateRejected(problem)
        if _too_big(value):
            raise RenderLimitExceeded(
                f"The |{name} filter was given a value larger than {_size_text(_output_cap())}."
            )
        try:
            result = func(value, *args, **kwargs)
        except (RenderError, MemoryError):
            raise
        except Exception as exc:
            raise TemplateRejected(f"The |{name} filter failed: {_reason(exc)}") from exc
        if _too_big(result):
            raise RenderLimitExceeded(
                f"The |{name} filter would make a value larger than {_size_text(_output_cap())}."
            )
        return result

    return capped


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())[:200]
    return text or type(exc).__name__


register = Library()
for _name, _func in ALLOWED_TAGS.items():
    register.tag(_name, _func)
for _name, _func in defaultfilters.register.filters.items():
    if _name not in FORBIDDEN_FILTERS:
        register.filters[_name] = _capped_filter(_name, _func)


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


def _width_problems(template) -> list[str]:
    """Literal filter arguments above the caps ({{ x|ljust:"50000000" }})."""
    problems = []
    for node in template.nodelist.get_nodes_by_type(Node):
        line = getattr(getattr(node, "token", None), "lineno", "?")
        for expression in _expressions(list(vars(node).values())):
            for func, args in expression.filters:
                for lookup, arg in args:
                    # Quoted arguments come resolved; numbers are Variables with a literal.
                    literal = arg if not lookup else getattr(arg, "literal", None)
                    problem = width_problem(getattr(func, "_filter_name", ""), literal)
                    if problem:
                        problems.append(f"Line {line}: {problem}")
    return list(dict.fromkeys(problems))


def check_template(text: str, *, field_names: set[str]) -> list[str]:
    """Human-readable problems with a template, for the admin saving it:
    forbidden tags, syntax errors (with line), unknown variables and filter
    arguments above the caps."""
    errors = _forbidden_tags(text)
    if errors:
        return errors
    try:
        template = _CHECK_ENGINE.from_string(text)
    except TemplateSyntaxError as exc:
        line = getattr(exc, "template_debug", {}).get("line")
        return [f"Line {line}: {exc}" if line else str(exc)]
    return _unknown_variables(template, set(field_names)) + _width_problems(template)


@lru_cache(maxsize=64)
def _compiled(text: str):
    errors = _forbidden_tags(text)
    if errors:
        raise TemplateRejected(errors[0])
    try:
        template = ENGINE.from_string(text)
    except TemplateSyntaxError as exc:
        raise TemplateRejected(f"The template has an error: {exc}") from exc
    for node in template.nodelist.get_nodes_by_type(Node):
        node.render = _watched(node, node.render)
    return template


#: Nodes whose output is text of their own, not their children's: counting
#: these counts every character a render produces exactly once.
_LEAVES = (
    TextNode,
    VariableNode,
    tags.CycleNode,
    tags.FirstOfNode,
    tags.NowNode,
    tags.WidthRatioNode,
    tags.TemplateTagNode,
    tags.VerbatimNode,
)


class _Located(TemplateRejected):
    """A render failure already prefixed with its line."""


def _watched(node: Node, render):
    """``node.render`` (set on the instance, once, when the template is
    compiled) counting what leaves produce against the render's budget and
    giving failures the node's line."""
    line = getattr(getattr(node, "token", None), "lineno", None)
    prefix = f"Line {line}: " if line else ""
    leaf = isinstance(node, _LEAVES)

    def watched(context):
        try:
            text = render(context)
        except (_Located, RenderLimitExceeded, MemoryError):
            raise
        except RenderError as exc:
            raise _Located(prefix + exc.message) from exc
        except Exception as exc:  # a tag failing on the values it was given
            raise _Located(f"{prefix}the template failed: {_reason(exc)}") from exc
        budget = _BUDGET.get()
        if leaf and budget is not None:
            budget.used += len(text)
            if budget.used > budget.limit:
                raise RenderLimitExceeded(
                    f"This template would produce more than {_size_text(budget.limit)} "
                    "of text and was stopped. Simplify its loops or ask an administrator."
                )
        return text

    return watched


def render_template(text: str, ctx: RenderContext) -> str:
    """Render an asset template for one partner (autoescaped)."""
    return render_template_with(text, template_context(ctx))


def render_template_with(text: str, context: dict, *, max_output: int | None = None) -> str:
    """Render with an already built plain context (used by the render
    worker). Stops with RenderLimitExceeded past ``max_output`` characters
    (DEFAULT_MAX_OUTPUT when not given); a failing filter or tag raises
    TemplateRejected with its line."""
    template = _compiled(text)
    token = _BUDGET.set(_Budget(max_output or DEFAULT_MAX_OUTPUT))
    try:
        return template.render(Context(context, autoescape=True))
    except _Located as exc:
        raise TemplateRejected(exc.message) from exc
    finally:
        _BUDGET.reset(token)
