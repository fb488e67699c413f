"""StreamField blocks shared by every page type; app-specific blocks live in their app."""

from wagtail import blocks


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


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[
            ("key_point", "Key point"),
            ("caution", "Caution"),
            ("lived_experience", "Lived-experience voice"),
        ],
        default="key_point",
    )
    text = blocks.RichTextBlock(features=["bold", "italic", "link"])

    class Meta:
        icon = "info-circle"
        template = "content/blocks/callout.html"


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
    paragraph = blocks.RichTextBlock(features=["h3", "bold", "italic", "link", "ol", "ul"])
    callout = CalloutBlock()
    cards = blocks.ListBlock(LinkCardBlock(), template="content/blocks/cards.html")
