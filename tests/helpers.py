import re


def text_of(response) -> str:
    """The response's visible text, tags removed and white space folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()
