"""The blocks a lesson body is made of."""

from wagtail import blocks

from content.blocks import (
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


class LessonStreamBlock(blocks.StreamBlock):
    objectives = ObjectivesBlock()
    heading = HeadingBlock()
    text = CitedTextBlock()
    callout = CalloutBlock()
    figure = FigureBlock()
    table = CaptionedTableBlock()
    video = VideoBlock()
    reflection = ReflectionBlock()
    takeaways = KeyTakeawaysBlock()

    # Blocks whose `references` make up the lesson's numbered reference list.
    CITING_BLOCKS = ("text", "callout")
