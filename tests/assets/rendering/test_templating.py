import pytest

from assets.rendering import Brand, TemplateRejected, check_template, render_template
from tests.assets.rendering.conftest import context_for


@pytest.mark.parametrize(
    "tag",
    [
        "load",
        "include",
        "extends",
        "debug",
        "ssi",
        "url",
        "autoescape",
        "lorem",
        "csrf_token",
        "block",
        "filter",
    ],
)
def test_tags_reaching_outside_are_rejected(tag, ctx):
    text = f"before {{% {tag} 'x' %}} after"
    errors = check_template(text, field_names=set())
    assert errors == [f"Line 1: the {{% {tag} %}} tag is not allowed in asset templates."]
    with pytest.raises(TemplateRejected, match=f"{{% {tag} %}}"):
        render_template(text, ctx)


def test_safe_filter_is_not_available():
    assert (
        "Invalid filter: 'safe'" in check_template("{{ partner.name|safe }}", field_names=set())[0]
    )


def test_syntax_errors_and_unknown_variables_have_lines():
    assert check_template("ok\n{% if %}", field_names=set())[0].startswith("Line 2:")
    assert check_template(
        "{{ partner.fax }}\n\n{{ field.unknown }}\n{{ field.ok }}", field_names={"ok"}
    ) == [
        "Line 1: unknown variable {{ partner.fax }}.",
        "Line 3: unknown variable {{ field.unknown }}.",
    ]
    assert check_template("{% if secret %}{% endif %}", field_names=set()) == [
        "Line 1: unknown variable {{ secret }}."
    ]


def test_good_template_passes_check():
    text = (
        "{% for line in partner.address_lines %}{{ line }}{% if not forloop.last %}, "
        "{% endif %}{% endfor %}{% with n=partner.name %}{{ n|upper }}{% endwith %}"
        "{{ today }} {{ vendor.name }} {{ field.offer|default:'none' }}"
    )
    assert check_template(text, field_names={"offer"}) == []


def test_partner_values_are_escaped_not_executed(brand):
    hostile = Brand(
        **{**brand.__dict__, "name": "<script>alert(1)</script> {{ partner.phone }} {% debug %}"}
    )
    ctx = context_for(hostile, headline="<b>bold</b>")
    html = render_template("<h1>{{ partner.name }}</h1><p>{{ field.headline }}</p>", ctx)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ partner.phone }} {% debug %}" in html
    assert "+44" not in html
