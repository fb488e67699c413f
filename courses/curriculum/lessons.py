"""A lesson file (YAML front matter + Markdown with ::: directives) to lesson block specs.

Block specs are plain data; reference keys and image paths are resolved when pages are written.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from content.links import link_problem, text_link_problems
from courses.curriculum.render import markdown, markdown_to_richtext
from courses.curriculum.sources import SourceError, YamlDoc, parse_yaml

CITATION = re.compile(r"\s?\[@([^\]]+)\]")
# A learning objective line: "- [objective-id] Describe ..."; the id is what exam items cover.
OBJECTIVE = re.compile(r"^-\s+\[([^\]]*)\]\s*(.*)$")
OBJECTIVE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Estimated time, computed, never guessed: reading speed and what other blocks add.
WORDS_PER_MINUTE = 200
MINUTES_PER_FIGURE = 1
MINUTES_PER_TABLE = 1
MINUTES_PER_REFLECTION = 2
MINUTES_PER_WORKED_CASE = 3  # to think the case through before opening the model answer
CITATION_KEY = re.compile(r"^@?([a-z0-9]+(?:-[a-z0-9]+)*)$")
DIRECTIVE = re.compile(r"^:::\s*([a-z_]+)?\s*(.*?)\s*$")
CALLOUT_KINDS = {"key_point", "caution", "lived_experience"}
IMAGE_SUFFIXES = {".svg", ".png", ".jpg", ".jpeg", ".webp"}
PLAIN_INLINE = {"text", "code_inline", "softbreak"}


@dataclass
class BlockSpec:
    type: str
    value: dict
    references: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)


@dataclass
class ObjectiveSpec:
    id: str
    text: str
    line: int


@dataclass
class LessonSpec:
    slug: str
    path: str
    title: str = ""
    summary: str = ""
    estimated_minutes: int = 0  # computed by estimated_minutes_of() once the body is read
    reviewer: str = ""
    reviewed_on: datetime.date | None = None
    blocks: list[BlockSpec] = field(default_factory=list)
    citations: list[tuple[str, int]] = field(default_factory=list)  # (key, line) as written
    words: int = 0  # words a learner reads in the body, citation marks and markup excluded
    digest: str = ""
    objectives: list[ObjectiveSpec] = field(default_factory=list)


def lesson_data(spec: LessonSpec) -> dict:
    """The spec as JSON-ready data (lesson_from_data reverses it); its digest is left out."""
    data = dataclasses.asdict(spec)
    data["reviewed_on"] = spec.reviewed_on.isoformat() if spec.reviewed_on else None
    data["digest"] = ""
    return data


def lesson_from_data(data: dict) -> LessonSpec:
    reviewed_on = data["reviewed_on"]
    return LessonSpec(
        **{
            **data,
            "reviewed_on": datetime.date.fromisoformat(reviewed_on) if reviewed_on else None,
            "blocks": [BlockSpec(**block) for block in data["blocks"]],
            "citations": [(key, line) for key, line in data["citations"]],
            "objectives": [ObjectiveSpec(**objective) for objective in data["objectives"]],
        }
    )


def figure_image_problem(root: Path, src: str) -> str | None:
    """Why a figure cannot show the image file `src`, or None."""
    file = (root / src).resolve()
    if not file.is_relative_to(root.resolve()) or not file.is_file():
        return f"figure image '{src}' does not exist under the curricula folder"
    if file.suffix.lower() not in IMAGE_SUFFIXES:
        return f"figure image '{src}' must be one of {sorted(IMAGE_SUFFIXES)}"
    return None


class LessonReader:
    def __init__(self, file: Path, root: Path, text: str | None = None):
        self.root = root
        self.path = str(file.relative_to(root))
        self.errors: list[SourceError] = []
        self.spec = LessonSpec(slug=file.stem, path=self.path)
        self.text = file.read_text(encoding="utf-8") if text is None else text

    def error(self, line: int | None, message: str) -> None:
        self.errors.append(SourceError(self.path, line, message))

    def read(self) -> tuple[LessonSpec, list[SourceError]]:
        body_start = self._front_matter()
        if body_start is not None:
            body = self.text.splitlines()[body_start:]
            self.spec.words = count_words(body)
            self._links(body, first_line=body_start + 1)
            self._body(body, first_line=body_start + 1)
            if not self.spec.blocks:
                self.error(None, "the lesson has no content after its front matter")
            self.spec.estimated_minutes = estimated_minutes_of(self.spec)
        return self.spec, self.errors

    # --- front matter ---------------------------------------------------------------------

    def _front_matter(self) -> int | None:
        lines = self.text.splitlines()
        if not lines or lines[0].strip() != "---":
            self.error(1, "bad front matter: the file must start with a line '---'")
            return None
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        except StopIteration:
            self.error(1, "bad front matter: no closing '---' line")
            return None
        doc = parse_yaml("\n".join(lines[1:end]), self.path, line_offset=1)
        self.errors.extend(doc.errors)
        if doc.errors:
            return None
        if not isinstance(doc.data, dict):
            self.error(2, "bad front matter: expected 'key: value' lines")
            return None
        self._front_matter_fields(doc)
        self.errors.extend(doc.errors)
        return end + 1

    def _front_matter_fields(self, doc: YamlDoc) -> None:
        data, spec = doc.data, self.spec
        if "estimated_minutes" in data:
            doc.error(
                "bad front matter: 'estimated_minutes' is computed from the lesson's words and "
                "media; remove it",
                "estimated_minutes",
            )
        unknown = set(data) - {"title", "summary", "estimated_minutes", "clinical_review"}
        for key in sorted(unknown):
            doc.error(f"bad front matter: unknown key '{key}'", key)
        spec.title = doc.text(data, "title")
        spec.summary = doc.text(data, "summary", required=False)
        review = data.get("clinical_review")
        if review is None:
            return
        if not isinstance(review, dict):
            doc.error(
                "bad front matter: 'clinical_review' needs 'reviewer' and 'reviewed_on'",
                "clinical_review",
            )
            return
        reviewer = review.get("reviewer")
        reviewed_on = review.get("reviewed_on")
        if not reviewer and reviewed_on is None:
            return  # recorded as not reviewed yet: the CMS workflow will record the review
        spec.reviewer = doc.text(review, "reviewer", "clinical_review")
        if not isinstance(reviewed_on, datetime.date):
            doc.error(
                "bad front matter: 'reviewed_on' must be a date like 2026-10-01",
                "clinical_review",
                "reviewed_on",
            )
        elif reviewed_on > datetime.date.today():
            doc.error(
                "bad front matter: 'reviewed_on' is in the future", "clinical_review", "reviewed_on"
            )
        else:
            spec.reviewed_on = reviewed_on

    def _links(self, body: list[str], first_line: int) -> None:
        """Markdown links and bare addresses anywhere in the body, video urls aside (checked
        with their block), follow the same rule as references."""
        for offset, line in enumerate(body):
            if line.lstrip().startswith("url:"):
                continue
            for problem in text_link_problems(line):
                self.error(first_line + offset, problem)

    # --- body -----------------------------------------------------------------------------

    def _body(self, lines: list[str], first_line: int) -> None:
        """Split the body into Markdown runs and ::: directives, in order."""
        run: list[str] = []
        run_start = first_line
        index = 0
        while index < len(lines):
            match = DIRECTIVE.match(lines[index])
            if not match:
                run.append(lines[index])
                index += 1
                continue
            if not match.group(1):
                self.error(first_line + index, "a ':::' that closes no open block")
                index += 1
                continue
            self._markdown(run, run_start)
            opened = first_line + index
            try:
                end = next(j for j in range(index + 1, len(lines)) if lines[j].strip() == ":::")
            except StopIteration:
                self.error(opened, f"':::{match.group(1)}' is never closed with ':::'")
                return
            self._directive(match.group(1), match.group(2), lines[index + 1 : end], opened)
            index = end + 1
            run, run_start = [], first_line + index

        self._markdown(run, run_start)

    def _citations(self, text: str, line: int) -> tuple[str, list[str]]:
        keys: list[str] = []
        for group in CITATION.findall(text):
            for part in group.split(";"):
                key = CITATION_KEY.match(part.strip())
                if key:
                    keys.append(key.group(1))
                    self.spec.citations.append((key.group(1), line))
                else:
                    self.error(
                        line,
                        f"citation '[@{group}]' is not of the form [@key] or [@key-one; @key-two]",
                    )
        return CITATION.sub("", text), keys

    def _markdown(self, lines: list[str], first_line: int) -> None:
        caption: tuple[str, int] | None = None
        tokens = markdown.parse("\n".join(lines))
        for position, token in enumerate(tokens):
            if token.level != 0 or token.nesting == -1 or token.map is None:
                continue
            start, end = token.map
            line = first_line + start
            source = "\n".join(lines[start:end])
            if caption and token.type != "table_open":
                self.error(caption[1], "'Table:' caption is not followed by a table")
                caption = None
            if token.type == "heading_open":
                self._heading(token, tokens[position + 1].content, line)
            elif token.type == "paragraph_open" and source.startswith("Table:"):
                caption = (source.removeprefix("Table:").strip(), line)
            elif token.type == "table_open":
                self._table(tokens, position, caption, line)
                caption = None
            elif token.type in {
                "paragraph_open",
                "bullet_list_open",
                "ordered_list_open",
                "blockquote_open",
            }:
                text, keys = self._citations(source, line)
                self.spec.blocks.append(
                    BlockSpec("text", {"text": markdown_to_richtext(text)}, references=keys)
                )
            else:
                self.error(
                    line,
                    f"unsupported Markdown ({token.type.removesuffix('_open')}); "
                    "use paragraphs, lists, quotes, ## headings and tables",
                )
        if caption:
            self.error(caption[1], "'Table:' caption is not followed by a table")

    def _heading(self, token, content: str, line: int) -> None:
        if token.tag not in {"h2", "h3"}:
            self.error(
                line,
                f"use '##' or '###' headings ({token.tag} found); the lesson title "
                "is the page's only level-1 heading",
            )
            return
        if CITATION.search(content):
            self.error(line, "headings cannot cite references; cite in the text below")
        self.spec.blocks.append(BlockSpec("heading", {"text": content, "level": token.tag}))

    def _table(self, tokens, position: int, caption, line: int) -> None:
        if caption is None:
            self.error(line, "a table needs a caption: put a line 'Table: what it shows' above it")
            return
        rows: list[list[str]] = []
        for token in tokens[position:]:
            if token.type == "tr_open":
                rows.append([])
            elif token.type == "inline" and rows:
                # Table cells hold plain text: keep the words of **bold** or [links], not marks.
                words = [
                    " " if c.type == "softbreak" else c.content
                    for c in token.children or []
                    if c.type in PLAIN_INLINE
                ]
                rows[-1].append("".join(words).strip())
            elif token.type == "table_close":
                break
        value = {
            "caption": caption[0],
            "table": {
                "data": rows,
                "first_row_is_table_header": True,
                "first_col_is_header": False,
                "table_caption": "",
            },
        }
        self.spec.blocks.append(BlockSpec("table", value))

    # --- directives -----------------------------------------------------------------------

    def _directive(self, name: str, argument: str, lines: list[str], line: int) -> None:
        body = "\n".join(lines).strip()
        if name == "callout":
            if argument not in CALLOUT_KINDS:
                kinds = ", ".join(sorted(CALLOUT_KINDS))
                self.error(line, f"callout kind must be one of {kinds}, not '{argument}'")
                return
            text, keys = self._citations(body, line + 1)
            if not text.strip():
                self.error(line, "the callout is empty")
                return
            value = {"kind": argument, "text": markdown_to_richtext(text)}
            self.spec.blocks.append(BlockSpec("callout", value, references=keys))
        elif name == "reflection":
            if not body:
                self.error(line, "the reflection prompt is empty")
                return
            self.spec.blocks.append(BlockSpec("reflection", {"prompt": body}))
        elif name == "objectives":
            self._objectives(lines, line)
        elif name == "takeaways":
            points = [item.strip()[2:].strip() for item in lines if item.strip().startswith("- ")]
            if not points or len(points) != len([item for item in lines if item.strip()]):
                self.error(line, f"{name} must be one '- point' per line, at least one")
                return
            self.spec.blocks.append(BlockSpec(name, {"points": points}))
        elif name in {"figure", "video", "worked_case"}:
            doc = parse_yaml("\n".join(lines), self.path, line_offset=line)
            if not doc.errors and not isinstance(doc.data, dict):
                doc.error(f"':::{name}' needs 'key: value' lines")
            elif not doc.errors:
                getattr(self, f"_{name}")(doc, line)
            self.errors.extend(doc.errors)
        else:
            self.error(
                line,
                f"unknown block ':::{name}' (use objectives, callout, figure, video, reflection, "
                "worked_case or takeaways)",
            )

    def _objectives(self, lines: list[str], line: int) -> None:
        """One '- [objective-id] Objective' per line: the id is how exam items say which
        objective they assess, so every objective can be shown to be assessed."""
        objectives = []
        for offset, text in enumerate(lines, 1):
            if not text.strip():
                continue
            match = OBJECTIVE.match(text.strip())
            if not match:
                self.error(
                    line + offset, "an objective is one line '- [objective-id] Describe ...'"
                )
                continue
            objective_id, wording = match.group(1).strip(), " ".join(match.group(2).split())
            if not OBJECTIVE_ID.match(objective_id):
                self.error(
                    line + offset, f"objective id '{objective_id}' is not a slug (a-z, 0-9, -)"
                )
            elif not wording:
                self.error(line + offset, f"objective '{objective_id}' has no text")
            elif objective_id in {o.id for o in objectives}:
                self.error(line + offset, f"duplicate objective id '{objective_id}'")
            else:
                objectives.append(ObjectiveSpec(objective_id, wording, line + offset))
        if not objectives:
            self.error(line, "objectives must list at least one '- [objective-id] Objective'")
            return
        self.spec.objectives.extend(objectives)
        self.spec.blocks.append(BlockSpec("objectives", {"points": [o.text for o in objectives]}))

    def _figure(self, doc: YamlDoc, line: int) -> None:
        data = doc.data
        src, caption = doc.text(data, "src"), doc.text(data, "caption")
        alt = doc.text(data, "alt", required=False)
        if not alt:
            doc.error("figure is missing alt text ('alt: what the image shows')", "src")
        if src and (problem := figure_image_problem(self.root, src)):
            doc.error(problem, "src")
        if src and alt and caption:
            value = {"image": src, "alt_text": alt, "caption": caption}
            self.spec.blocks.append(BlockSpec("figure", value, images=[src]))

    def _video(self, doc: YamlDoc, line: int) -> None:
        data = doc.data
        title, url = doc.text(data, "title"), doc.text(data, "url")
        transcript = doc.text(data, "transcript", required=False)
        if not transcript:
            doc.error(
                "video is missing its transcript ('transcript: |' and the full text)", "title"
            )
        if url and (problem := link_problem(url)):
            doc.error(f"video {problem}", "url")
        minutes = doc.whole_number(data, "duration_minutes")
        if title and url and transcript and not doc.errors:
            value = {
                "title": title,
                "url": url,
                "duration_minutes": minutes,
                "transcript": markdown_to_richtext(transcript),
            }
            self.spec.blocks.append(BlockSpec("video", value))

    def _worked_case(self, doc: YamlDoc, line: int) -> None:
        """A case, the question it puts to the learner and a model answer; the case and the
        answer may cite references like any paragraph."""
        data = doc.data
        unknown = set(data) - set(WORKED_CASE_FIELDS)
        for key in sorted(unknown):
            fields = ", ".join(WORKED_CASE_FIELDS)
            doc.error(f"unknown worked_case field '{key}' (use {fields})", key)
        texts = {name: doc.text(data, name) for name in WORKED_CASE_FIELDS}
        if not all(texts.values()) or doc.errors:
            return
        case, case_keys = self._citations(texts["case"], line)
        answer, answer_keys = self._citations(texts["model_answer"], line)
        if CITATION.search(texts["title"]) or CITATION.search(texts["question"]):
            doc.error("a worked case cites its sources in the case or the model answer", "title")
            return
        value = {
            "title": texts["title"],
            "case": markdown_to_richtext(case),
            "question": " ".join(texts["question"].split()),
            "model_answer": markdown_to_richtext(answer),
        }
        self.spec.blocks.append(BlockSpec("worked_case", value, references=case_keys + answer_keys))


WORKED_CASE_FIELDS = ("title", "case", "question", "model_answer")
WORD = re.compile(r"[A-Za-z0-9][\w'’-]*")


def count_words(body: list[str]) -> int:
    """Words a learner reads: directive fences, citation marks, objective ids and table rules do
    not count, nor a video's transcript (the video's own duration counts instead)."""
    words = 0
    block = None
    for line in body:
        directive = DIRECTIVE.match(line)
        if directive:
            block = directive.group(1)
            continue
        if block == "video" or set(line.strip()) <= set("|-: "):
            continue
        if block == "worked_case":
            line = WORKED_CASE_KEY.sub("", line)  # the field names are not read
        words += len(WORD.findall(OBJECTIVE_MARK.sub("- ", CITATION.sub("", line))))
    return words


OBJECTIVE_MARK = re.compile(r"^-\s+\[[^\]]*\]")
WORKED_CASE_KEY = re.compile(rf"^({'|'.join(WORKED_CASE_FIELDS)}):\s*[|>]?")


def estimated_minutes_of(spec: LessonSpec) -> int:
    """Reading time at WORDS_PER_MINUTE plus each video's length and a fixed time for each
    figure, table and reflection prompt, rounded up to a whole minute (at least one)."""
    minutes = spec.words / WORDS_PER_MINUTE
    for block in spec.blocks:
        if block.type == "video":
            minutes += block.value.get("duration_minutes") or 0
        elif block.type == "figure":
            minutes += MINUTES_PER_FIGURE
        elif block.type == "table":
            minutes += MINUTES_PER_TABLE
        elif block.type == "reflection":
            minutes += MINUTES_PER_REFLECTION
        elif block.type == "worked_case":
            minutes += MINUTES_PER_WORKED_CASE
    return max(1, math.ceil(minutes))


def read_lesson(
    file: Path, root: Path, text: str | None = None
) -> tuple[LessonSpec, list[SourceError]]:
    """Parse a lesson file (whose `text` may have been read already)."""
    return LessonReader(file, root, text).read()
