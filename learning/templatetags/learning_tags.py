from django import template

from learning.blocks import video_embed_url

register = template.Library()


@register.filter
def video_embed(url: str) -> str:
    return video_embed_url(url or "")
