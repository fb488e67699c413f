"""What counts as "no financial relationships" in a disclosure, for the files and the CMS."""


def no_relationships(text: str) -> bool:
    return (text or "").strip().rstrip(".").lower() in {"", "none"}
