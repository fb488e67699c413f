"""The blocks a lesson body is made of."""

from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from content.blocks import (
    TEXT_FEATURES,
    CalloutBlock,
    CaptionedTableBlock,
    CitedTextBlock,
    FigureBlock,
    HeadingBlock,
    KeyTakeawaysBlock,
    ObjectivesBlock,
    ReflectionBlock,
    VideoBlock,
)


class WorkedCaseBlock(blocks.StructBlock):
    """A case to think through, then a model answer to compare with. The answer is teaching
    material, not an assessment key: it is on the page, behind a disclosure the learner opens."""

    title = blocks.CharBlock(max_length=200)
    case = blocks.RichTextBlock(features=TEXT_FEATURES, help_text="The situation, in a few lines.")
    question = blocks.TextBlock(max_length=600, help_text="What the learner should work out.")
    model_answer = blocks.RichTextBlock(
        features=TEXT_FEATURES, help_text="What a skilled practitioner would do, and why."
    )
    references = blocks.ListBlock(SnippetChooserBlock("content.Reference"), default=[])

    class Meta:
        icon = "user"
        label = "Worked case"
        template = "courses/blocks/worked_case.html"


class LessonStreamBlock(blocks.StreamBlock):
    objectives = ObjectivesBlock()
    heading = HeadingBlock()
    text = CitedTextBlock()
    callout = CalloutBlock()
    figure = FigureBlock()
    table = CaptionedTableBlock()
    video = VideoBlock()
    reflection = ReflectionBlock()
    worked_case = WorkedCaseBlock()
    takeaways = KeyTakeawaysBlock()

    # Blocks whose `references` make up the lesson's numbered reference list.
    CITING_BLOCKS = ("text", "callout", "worked_case")
