"""Answer cues in a question bank, measured per course.

A learner who knows nothing should not be able to beat chance by a rule such as "pick the first
option", "pick the longest option", "tick the first options of a select-all", "always answer
True" or "avoid the absolute-sounding option". Options are shuffled when an attempt is drawn, but
the file itself must carry no such pattern either: an item is read, reviewed and exported in file
order, and an option marked `fixed` keeps its place. `load_curricula --check` prints these
statistics and fails a course above any limit.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from courses.curriculum.items import ItemSpec

MAX_KEY_POSITION_SHARE = 0.40  # of single-choice keys at any one position in the file
MAX_LONGEST_KEY_SHARE = 0.30  # of single-choice items whose key is the strictly longest option
MAX_ABSOLUTE_DISTRACTOR_SHARE = 0.15  # of distractors worded in absolutes
# Words that make a distractor easy to rule out without knowing the subject.
ABSOLUTE = re.compile(
    r"\b(always|never|proves?|proven|guarantee[sd]?|everyone|everybody|no one|nobody|"
    r"all patients|all people|completely|entirely|impossible|in every case|without exception)\b",
    re.IGNORECASE,
)


@dataclass
class CueReport:
    course: str
    single_choice: int = 0
    key_positions: Counter = field(default_factory=Counter)  # position (1-based) -> keys
    longest_keys: int = 0
    multiple_response_keys_first: list[str] = field(default_factory=list)
    multiple_response_all_correct: list[str] = field(default_factory=list)
    true_false_keys: dict[str, Counter] = field(default_factory=dict)  # pool -> key -> count
    distractors: int = 0
    absolute_distractors: int = 0

    @property
    def key_position_share(self) -> float:
        if not self.single_choice:
            return 0.0
        return max(self.key_positions.values()) / self.single_choice

    @property
    def longest_key_share(self) -> float:
        return self.longest_keys / self.single_choice if self.single_choice else 0.0

    @property
    def absolute_share(self) -> float:
        return self.absolute_distractors / self.distractors if self.distractors else 0.0

    def problems(self) -> list[str]:
        where = f"courses/{self.course}/items.yaml"
        found = []
        if self.key_position_share > MAX_KEY_POSITION_SHARE:
            position, count = self.key_positions.most_common(1)[0]
            found.append(
                f"{where}: option {position} is the key of {count} of {self.single_choice} "
                f"single-choice items ({self.key_position_share:.0%}; at most "
                f"{MAX_KEY_POSITION_SHARE:.0%} at any one position)"
            )
        if self.longest_key_share > MAX_LONGEST_KEY_SHARE:
            found.append(
                f"{where}: the key is the longest option in {self.longest_keys} of "
                f"{self.single_choice} single-choice items ({self.longest_key_share:.0%}; at most "
                f"{MAX_LONGEST_KEY_SHARE:.0%})"
            )
        for item_id in self.multiple_response_keys_first:
            found.append(f"{where}: {item_id} lists every correct option first")
        for item_id in self.multiple_response_all_correct:
            found.append(f"{where}: {item_id} has no incorrect option")
        for pool, keys in sorted(self.true_false_keys.items()):
            if sum(keys.values()) >= 2 and len(keys) == 1:
                (key,) = keys
                found.append(f"{where}: every {pool} true/false item's key is {key}")
        if self.absolute_share > MAX_ABSOLUTE_DISTRACTOR_SHARE:
            found.append(
                f"{where}: {self.absolute_distractors} of {self.distractors} distractors use "
                f"absolute wording ({self.absolute_share:.0%}; at most "
                f"{MAX_ABSOLUTE_DISTRACTOR_SHARE:.0%})"
            )
        return found

    def summary(self) -> str:
        positions = ", ".join(f"{p}: {n}" for p, n in sorted(self.key_positions.items()))
        true_false = "; ".join(
            f"{pool} " + ", ".join(f"{k} {n}" for k, n in sorted(keys.items()))
            for pool, keys in sorted(self.true_false_keys.items())
        )
        return (
            f"keys by position {{{positions}}} (max {self.key_position_share:.0%}), "
            f"key longest {self.longest_key_share:.0%}, "
            f"absolute distractors {self.absolute_share:.0%}, "
            f"true/false keys [{true_false or 'none'}]"
        )


def bank_cues(course: str, items: list[ItemSpec]) -> CueReport:
    report = CueReport(course)
    for item in items:
        keys = [index for index, option in enumerate(item.options) if option.correct]
        for option in item.options:
            if not option.correct:
                report.distractors += 1
                report.absolute_distractors += bool(ABSOLUTE.search(option.text))
        if not keys:
            continue
        if item.type == "single_choice":
            report.single_choice += 1
            report.key_positions[keys[0] + 1] += 1
            lengths = [len(option.text) for option in item.options]
            if all(lengths[keys[0]] > n for i, n in enumerate(lengths) if i != keys[0]):
                report.longest_keys += 1
        elif item.type == "multiple_response":
            if len(keys) == len(item.options):
                report.multiple_response_all_correct.append(item.id)
            elif keys == list(range(len(keys))):
                report.multiple_response_keys_first.append(item.id)
        elif item.type == "true_false":
            key = item.options[keys[0]].text
            report.true_false_keys.setdefault(item.pool, Counter())[key] += 1
    return report
