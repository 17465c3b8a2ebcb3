"""Regenerate the hostile-input corpus: python tests/data/hostile/make_corpus.py.

Each case is one input file; its `.expected` file holds exactly what
`calendar-feed validate` prints for it, with the file's path written as {file}.
Review the .expected files by eye after regenerating: they are the specification.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
HEAD = """\
calendar:
  id: hostile
  name: Hostile Inputs Seminar
  timezone: Asia/Shanghai
defaults:
  start: "12:00"
  end: "13:30"
sessions:
"""
TALK = "  - date: 2024-09-11\n    speaker: Ada\n    title: Engines\n"
ICAL_INJECTION = "x\r\nBEGIN:VEVENT\r\nUID:evil\r\nSUMMARY:injected\r\nEND:VEVENT\r\nX-A:;,\\\\"
HTML_INJECTION = (
    '<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">x</a>'
)
TEXT_FIELDS = ("speaker", "title", "affiliation", "abstract", "bio", "location", "note")


def talk_with(field: str, value: str) -> str:
    quoted = json.dumps(value, ensure_ascii=False)
    fields = {"speaker": "Ada", "title": "Engines", field: value}
    return "  - date: 2024-09-11\n" + "".join(
        f"    {k}: {quoted if k == field else json.dumps(v)}\n" for k, v in fields.items()
    )


CASES: dict[str, bytes | str] = {
    # YAML bombs and structure
    "billion-laughs.yaml": "\n".join(
        ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        + [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    )
    + "\n",
    "recursive-alias.yaml": HEAD + "  - &loop\n    date: 2024-09-11\n    note: [*loop]\n",
    "deep-nesting.yaml": HEAD + "  - date: 2024-09-11\n    note: " + "[" * 100 + "]" * 100 + "\n",
    "merge-key.yaml": HEAD + "  - <<: {date: 2024-09-11}\n    speaker: Ada\n",
    "two-documents.yaml": HEAD + TALK + "---\n" + HEAD,
    "top-level-scalar.yaml": "just some text\n",
    "empty.yaml": "",
    "only-bom.yaml": b"\xef\xbb\xbf",
    "complex-key.yaml": HEAD + "  - ? [date]\n    : 2024-09-11\n",
    "no-sessions.yaml": HEAD.replace("sessions:\n", "sessions:\n"),
    "sessions-not-a-list.yaml": HEAD + "  date: 2024-09-11\n",
    # Tags that would run code or read files in an unsafe loader
    "python-object-apply.yaml": HEAD + '  - !!python/object/apply:os.system ["touch /tmp/owned"]\n',
    "python-name.yaml": HEAD + "  - date: 2024-09-11\n    note: !!python/name:os.system\n",
    "python-module.yaml": "calendar: !!python/module:os\n",
    "local-include-tag.yaml": HEAD + "  - date: 2024-09-11\n    note: !include /etc/passwd\n",
    "binary-tag.yaml": HEAD + "  - date: 2024-09-11\n    note: !!binary aGVsbG8=\n",
    "set-tag.yaml": HEAD + "  - date: 2024-09-11\n    note: !!set {a, b}\n",
    # Duplicate keys are reported, not last-wins
    "duplicate-top-key.yaml": HEAD.replace("defaults:", "calendar:\n  id: again\ndefaults:") + TALK,
    "duplicate-session-key.yaml": HEAD + TALK + "    title: Second title\n",
    # Encodings and characters
    "invalid-utf8.yaml": (
        HEAD + "  - date: 2024-09-11\n    speaker: Ad\xe9\n    title: T\n"
    ).encode("latin-1"),
    "utf8-bom.yaml": b"\xef\xbb\xbf" + (HEAD + TALK).encode(),
    "crlf-line-endings.yaml": (HEAD + TALK).replace("\n", "\r\n"),
    "nul-escape.yaml": HEAD + '  - date: 2024-09-11\n    speaker: "Ada\\0"\n    title: T\n',
    "raw-nul-byte.yaml": (
        HEAD + "  - date: 2024-09-11\n    speaker: Ada\x00\n    title: T\n"
    ).encode(),
    "escape-control.yaml": HEAD
    + '  - date: 2024-09-11\n    speaker: Ada\n    title: "\\e[31mred"\n',
    "line-separator.yaml": HEAD + '  - date: 2024-09-11\n    speaker: Ada\n    title: "a\\Lb"\n',
    "tab-indentation.yaml": HEAD + "  - date: 2024-09-11\n\tspeaker: Ada\n",
    # Dates and times
    "date-feb-30.yaml": HEAD + "  - date: 2024-02-30\n",
    "date-year-zero.yaml": HEAD + "  - date: 0000-01-01\n",
    "date-month-13.yaml": HEAD + "  - date: 2024-13-01\n",
    "date-words.yaml": HEAD + "  - date: next wednesday\n",
    "time-25.yaml": HEAD + '  - date: 2024-09-11\n    start: "25:00"\n',
    "time-minute-60.yaml": HEAD + '  - date: 2024-09-11\n    start: "12:60"\n',
    "time-unquoted.yaml": HEAD + "  - date: 2024-09-11\n    start: 12:00\n    end: 13:15\n",
    "time-number.yaml": HEAD + "  - date: 2024-09-11\n    start: 1200\n",
    "time-words.yaml": HEAD + "  - date: 2024-09-11\n    start: noon\n",
    "duration-negative.yaml": HEAD + "  - date: 2024-09-11\n    duration: -30\n",
    # Timezones and ids that look like paths
    "timezone-traversal.yaml": HEAD.replace("Asia/Shanghai", "../../etc/passwd") + TALK,
    "timezone-absolute.yaml": HEAD.replace("Asia/Shanghai", "/etc/localtime") + TALK,
    "timezone-number.yaml": HEAD.replace("Asia/Shanghai", "8") + TALK,
    "id-traversal.yaml": HEAD + "  - date: 2024-09-11\n    id: ../../etc/passwd\n",
    "id-slash.yaml": HEAD + "  - date: 2024-09-11\n    id: a/b\n",
    "id-too-long.yaml": HEAD + "  - date: 2024-09-11\n    id: " + "a" * 65 + "\n",
    "series-id-traversal.yaml": HEAD.replace("id: hostile", "id: ../hostile") + TALK,
    # Links that must never become clickable
    "link-javascript.yaml": HEAD + TALK + "    links:\n      slides: javascript:alert(1)\n",
    "link-javascript-mixed-case.yaml": HEAD
    + TALK
    + "    links:\n      video: JaVaScRiPt:alert(1)\n",
    "link-data-url.yaml": HEAD
    + TALK
    + "    links:\n      slides: data:text/html,<script>alert(1)</script>\n",
    "link-with-newline.yaml": HEAD
    + TALK
    + '    links:\n      slides: "https://x.org/\\nBEGIN:VEVENT"\n',
    "base-url-javascript.yaml": HEAD.replace(
        "  timezone:", "  base_url: javascript:alert(1)\n  timezone:"
    )
    + TALK,
    # Injection attempts that are valid text: published, but only as text
    **{f"ical-injection-{f}.yaml": HEAD + talk_with(f, ICAL_INJECTION) for f in TEXT_FIELDS},
    "ical-injection-reason.yaml": HEAD
    + "  - date: 2024-09-11\n    status: cancelled\n    reason: "
    + json.dumps(ICAL_INJECTION)
    + "\n",
    "ical-injection-calendar-name.yaml": HEAD.replace(
        "Hostile Inputs Seminar", json.dumps(ICAL_INJECTION)
    )
    + TALK,
    **{f"html-injection-{f}.yaml": HEAD + talk_with(f, HTML_INJECTION) for f in TEXT_FIELDS},
    "html-injection-calendar-name.yaml": HEAD.replace(
        "Hostile Inputs Seminar", json.dumps(HTML_INJECTION)
    )
    + TALK,
}


def main() -> None:
    import subprocess
    import sys

    for old in HERE.glob("*.yaml"):
        old.unlink()
    for name, content in CASES.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (HERE / name).write_bytes(data)
        result = subprocess.run(
            [sys.executable, "-m", "calendar_feed", "validate", name],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=False,
        )
        output = (result.stderr + result.stdout).replace(name, "{file}")
        (HERE / name).with_suffix(".expected").write_text(output, encoding="utf-8")
        print(f"{name}: exit {result.returncode}: {output.splitlines()[0] if output else ''}")


if __name__ == "__main__":
    main()
