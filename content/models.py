from django.db import models

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from content.blocks import BaseStreamBlock


class HomePage(Page):
    """The site root: what the platform is for and where each kind of user starts."""

    intro = RichTextField(features=["bold", "italic", "link"], blank=True)
    body = StreamField(BaseStreamBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "home page"


class StandardPage(Page):
    """A plain page for policies, about and help text."""

    introduction = models.TextField(blank=True)
    body = StreamField(BaseStreamBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [*Page.search_fields]

    class Meta:
        verbose_name = "standard page"
