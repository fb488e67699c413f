"""StreamField blocks shared by every page type; app-specific blocks live in their app."""

from django.core.exceptions import ValidationError

from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from content.links import link_problem

INLINE_FEATURES = ["bold", "italic", "link"]
TEXT_FEATURES = ["h3", "h4", "bold", "italic", "link", "ol", "ul"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Heading 2"), ("h3", "Heading 3")],
        default="h2",
        help_text="Use heading 2 for sections and heading 3 inside them, so screen readers "
        "can navigate the outline.",
    )

    class Meta:
        icon = "title"
        template = "content/blocks/heading.html"


class CitedTextBlock(blocks.StructBlock):
    """Rich text with the references it rests on; numbers are assigned per page at render."""

    text = blocks.RichTextBlock(features=TEXT_FEATURES)
    references = blocks.ListBlock(
        SnippetChooserBlock("content.Reference"),
        default=[],
        help_text="Every factual claim in this text needs a reference.",
    )

    class Meta:
        icon = "doc-full"
        label = "Text"
        template = "content/blocks/cited_text.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[
            ("key_point", "Key point"),
            ("caution", "Caution"),
            ("lived_experience", "Lived-experience voice"),
        ],
        default="key_point",
    )
    text = blocks.RichTextBlock(features=INLINE_FEATURES)
    references = blocks.ListBlock(SnippetChooserBlock("content.Reference"), default=[])

    class Meta:
        icon = "info-circle"
        template = "content/blocks/callout.html"


class FigureBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=300,
        help_text="What the image shows, for people who cannot see it. Required.",
    )
    caption = blocks.CharBlock(max_length=500)

    class Meta:
        icon = "image"
        template = "content/blocks/figure.html"


class CaptionedTableBlock(blocks.StructBlock):
    caption = blocks.CharBlock(max_length=300, help_text="Says what the table compares.")
    table = TableBlock()

    class Meta:
        icon = "table"
        label = "Table"
        template = "content/blocks/table.html"


class VideoBlock(blocks.StructBlock):
    """A link, not an embed: no third-party player loads on our pages."""

    title = blocks.CharBlock(max_length=200)
    url = blocks.URLBlock()
    duration_minutes = blocks.IntegerBlock(min_value=1, required=False)
    transcript = blocks.RichTextBlock(
        features=TEXT_FEATURES, help_text="Required: a full transcript of the video."
    )

    def clean(self, value):
        value = super().clean(value)
        if problem := link_problem(value["url"]):
            raise blocks.StructBlockValidationError(
                block_errors={"url": ValidationError(f"The {problem}.")}
            )
        return value

    class Meta:
        icon = "media"
        template = "content/blocks/video.html"


class ReflectionBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(max_length=1000)

    class Meta:
        icon = "help"
        label = "Reflection prompt"
        template = "content/blocks/reflection.html"


class KeyTakeawaysBlock(blocks.StructBlock):
    points = blocks.ListBlock(blocks.CharBlock(max_length=400), min_num=1)

    class Meta:
        icon = "list-ul"
        label = "Key takeaways"
        template = "content/blocks/takeaways.html"


class ObjectivesBlock(blocks.StructBlock):
    points = blocks.ListBlock(blocks.CharBlock(max_length=400), min_num=1)

    class Meta:
        icon = "tick"
        label = "Learning objectives"
        template = "content/blocks/objectives.html"


class LinkCardBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=80)
    text = blocks.TextBlock(max_length=280)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.CharBlock(required=False, help_text="Used when no page is chosen.")

    class Meta:
        icon = "link"
        template = "content/blocks/link_card.html"


class BaseStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=TEXT_FEATURES)
    callout = CalloutBlock()
    cards = blocks.ListBlock(LinkCardBlock(), template="content/blocks/cards.html")
