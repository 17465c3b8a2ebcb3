"""The words schedules are written in: column headings, cancellations, open slots, labels.

Kept as data in one place, in English and Chinese, so a new synonym is one edit.
"""

from __future__ import annotations

import re

FIELDS = (
    "date", "time", "speaker", "affiliation", "title", "abstract", "bio", "room", "note",
    "slides", "video", "number",
)  # fmt: skip
"""What a column can hold; ``number`` is a running count, read and dropped."""

HEADINGS = {
    "date": ("date", "day", "when", "日期", "日子"),
    "time": ("time", "hour", "hours", "时间", "时段"),
    "speaker": (
        "speaker", "speakers", "presenter", "presenters", "name", "who", "author", "lecturer",
        "报告人", "主讲人", "主讲", "讲者", "演讲者", "分享人", "汇报人", "主讲嘉宾",
    ),
    "affiliation": (
        "affiliation", "institution", "university", "organization", "organisation", "from",
        "单位", "机构", "学校", "所在单位",
    ),
    "title": (
        "title", "talk", "topic", "subject", "talk title", "presentation", "题目",
        "标题", "报告题目", "主题", "报告主题", "内容",
    ),
    "abstract": ("abstract", "summary", "description", "摘要", "报告摘要", "简介内容"),
    "bio": ("bio", "biography", "about the speaker", "报告人简介", "个人简介", "简介"),
    "room": ("room", "location", "venue", "place", "where", "地点", "教室", "会议室", "地址"),
    "note": (
        "note", "notes", "remark", "remarks", "comment", "comments", "paper", "备注", "说明",
    ),
    "slides": ("slides", "slide", "pdf", "课件", "幻灯片", "材料"),
    "video": ("video", "videos", "recording", "youtube", "视频", "录像", "回放", "links"),
    "number": ("#", "no", "no.", "nr", "序号", "编号", "week", "周次", "第几周"),
}  # fmt: skip
"""Column headings (compared lower-cased, without markup) and the field each names."""

HEADING_FIELD = {word: field for field, words in HEADINGS.items() for word in words}

_CANCELLED = (
    r"no (?:seminar|meeting|talk|session|class|lecture)s?",
    r"cancel+ed", r"postponed", r"holidays?", r"(?:spring|fall|autumn|winter|mid-?term|reading)"
    r" (?:break|week|recess)", r"thanksgiving", r"recess", r"vacation", r"christmas",
    r"new year'?s?(?: day)?", r"labou?r day", r"memorial day", r"independence day",
    r"veterans'? day", r"easter", r"休息", r"放假", r"假期", r"停课", r"暂停", r"取消", r"停一次",
    r"元旦", r"国庆", r"春节", r"清明", r"劳动节", r"五一", r"端午", r"中秋", r"寒假", r"暑假",
)  # fmt: skip
CANCELLED_RE = re.compile(
    r"(?<![A-Za-z])(?:" + "|".join(_CANCELLED) + r")(?![A-Za-z])", re.IGNORECASE
)
"""Words that mark a date without a session (a holiday, a break, "No seminar")."""
EXPLICIT_CANCELLED_RE = re.compile(r"(?<![A-Za-z])(?:cancel+ed|取消|停课)(?![A-Za-z])", re.I)
"""Words that cancel a date even when its talk is named ("(Cancelled)")."""

BREAK_RE = re.compile(
    r"^\W*(?:coffee|tea|lunch|breakfast|dinner|reception|registration|group photo|social|"
    r"happy hour|party|聚餐|"
    r"(?:coffee |lunch |tea )?break|organi[sz]ed lunch|茶歇|午餐|午饭|晚餐|合影|签到)(?![A-Za-z])",
    re.IGNORECASE,
)
"""An event of a day's programme that is not a talk: a break, a meal, the group photo, a social."""

_OPEN = (
    r"tba", r"tbd", r"tbc", r"to be (?:announced|determined|confirmed|decided)", r"待定",
    r"待确认", r"暂定", r"\(?open\)?", r"open slot", r"available", r"n/?a", r"-+",
    r"—+", r"\?+", r"speakername", r"topicname",
)  # fmt: skip
OPEN_RE = re.compile(r"^\s*(?:" + "|".join(_OPEN) + r")[.!]?\s*$", re.IGNORECASE)
"""A cell that holds no information: the date is still open."""

TIME_LABELS = ("time", "when", "hour", "时间", "时段", "报告时间")
ROOM_LABELS = ("location", "room", "venue", "place", "where", "地点", "教室", "会议室", "地址")
SCHEDULE_HEADINGS = re.compile(
    r"schedule|program|programme|talks|seminars|agenda|calendar|upcoming|日程|安排|报告|讲座|议程",
    re.IGNORECASE,
)
"""A heading after which the schedule is looked for first."""

INSTITUTION_RE = re.compile(
    r"universit|univ\.|college|institut|school|academy|laborator|\blab\b|\bdept\b|department|"
    r"center|centre|network|\bUW\b|\bMIT\b|\bAPL\b|\bCEE\b|\bNCAR\b|\bNUS\b|\bUC[A-Z]+\b|"
    r"inc\.|corp|company|research|hospital|大学|学院|研究所|研究院|实验室|中心|公司",
    re.IGNORECASE,
)
"""What makes the text after a speaker's comma an affiliation rather than a second name."""

CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def is_open(text: str) -> bool:
    """True when a cell says nothing yet ("TBA", "(待定)", "-", empty)."""
    text = text.strip().strip("*_")
    inner = re.fullmatch(r"[(（\[](.*)[)）\]]", text)
    return not text or OPEN_RE.match(inner[1] if inner else text) is not None
