"""{% prerender_progress kit as progress %}: the kit's pre-rendering progress
(assets.selectors.prerender_progress) for templates/workspace/_prerender_progress.html."""

from django import template

from assets.selectors import prerender_progress as progress_of

register = template.Library()


@register.simple_tag
def prerender_progress(kit):
    return progress_of(kit)
