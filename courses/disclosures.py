"""What counts as "none" in a disclosure's relationships or an activity's commercial support,
for the files, the CMS and the reports."""


def no_relationships(text: str) -> bool:
    return (text or "").strip().rstrip(".").lower() in {"", "none"}
