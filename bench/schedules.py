"""Deterministic synthetic schedules for the benchmark, and their yaml2ics translation.

The same size always gives the same bytes (a seeded ``random.Random``), so runs on
different days and machines measure the same work. Sessions look like the shipped
events.yaml: multi-paragraph Chinese and English abstracts and bios, some cancelled
dates (with and without a reason), some open slots, a few links.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from pathlib import Path

SEED = 20240911
FIRST_DAY = dt.date(2024, 9, 11)  # a Wednesday, the shipped series' weekday
WEEKS = 520
"""Ten years of Wednesdays; beyond that, several seminars share a day (with explicit ids)."""
SLOTS = ("08:00", "10:00", "12:00", "14:00", "16:00")
ROOMS = ("理科一号楼 1114", "理科一号楼 1303", "静园六院 102", "智华楼 210", "线上 / Online")

HEADER = """\
# Synthetic schedule for the calendar-feed benchmark ({count:,} sessions), made by
# bench/schedules.py; deterministic, so every run measures the same bytes.
calendar:
  id: bench-seminar
  name: Applied Math Joint Seminars
  local_name: 应用数学联合讨论班
  description: |
    本文件汇集了多个讨论班多年的日程，用于测量 calendar-feed 的性能。

    A multi-year archive of several seminars, used to measure calendar-feed.
  semester: 2024秋
  organizers:
    - 吴清玉
    - 沈城烽
  maintainer: Bench Maintainer
  timezone: Asia/Shanghai
  base_url: https://example.edu/seminar/
  language: zh
  weekday: wednesday

defaults:
  start: "12:00"
  end: "13:30"
  location: 地点待定 / Room to be announced

sessions:
"""

ZH_SENTENCES = (
    "随着电子和数字技术的兴起，科学计算经历了巨大的变革。",
    "与传统的大规模计算挑战不同，实时系统中的计算面临着独特的限制。",
    "在此次报告中，我将重点探讨偏微分方程数值解法中的高效算法。",
    "我们首先回顾有限元方法与谱方法的基本思想，并讨论它们在复杂几何区域上的表现。",
    "随后，我将介绍一类基于随机矩阵的低秩近似方法，以及它在大规模优化问题中的应用。",
    "这些方法在保证精度的同时显著降低了计算量与内存占用。",
    "最后，我将分享我们在图形处理器上实现这些算法的经验，以及未来可能的研究方向。",
    "报告将尽量避免过多的技术细节，欢迎低年级同学参加并积极提问。",
    "本工作与多位合作者共同完成，部分结果已发表于国际会议。",
    "我们还将讨论该方法在机器学习、信号处理和计算生物学中的潜在应用。",
)
EN_SENTENCES = (
    "Efficiently training large models necessitates hybrid parallel methods that integrate "
    "several communication collectives within partitioned graphs.",
    "Overcoming communication bottlenecks is crucial and is often achieved by overlapping "
    "communication with computation.",
    "In this talk, we introduce a framework that partitions communication and schedules "
    "operations hierarchically to optimize this overlap.",
    "We decompose the scheduling problem into three tiers: operation, layer and model.",
    "Numerical experiments on clusters with thousands of accelerators show consistent speedups "
    "over strong baselines.",
    "The analysis relies on classical results from spectral graph theory and convex "
    "optimization, which we recall in the first part of the talk.",
    "No prior knowledge beyond undergraduate linear algebra and probability is assumed.",
    "This is joint work with colleagues from several universities and an industrial lab.",
    "We close with open problems on stability, error estimates and adaptive discretizations.",
    "Slides will be shared after the talk; questions in Chinese or English are welcome.",
)
ZH_BIO = (
    "{name}目前是{aff}的博士研究生，研究方向为高性能与分布式计算。",
    "此前，{name}在北京大学数学科学学院获得学士学位。",
    "{name}的研究曾在多个国际会议上进行展示，并获得最佳论文奖。",
    "业余时间，{name}也是一位活跃的作曲家和声音设计师。",
)
EN_BIO = (
    "{name} is a PhD candidate at {aff}, working on numerical analysis and scientific computing.",
    "Before that, {name} studied mathematics at Peking University.",
    "{name}'s work has been presented at international conferences and received a best "
    "paper award.",
    "Outside research, {name} enjoys hiking and teaching mathematics to high-school students.",
)
ZH_NAMES = ("王泽昊", "陈畅", "李明", "张三", "刘洋", "赵敏", "孙悦", "周杰", "吴清玉", "沈城烽")
EN_NAMES = ("Alice Martin", "Bob Chen", "Carla Rossi", "David Kim", "Eva Novak", "Farid Haddad")
AFFILIATIONS = ("北京大学", "清华大学", "UCSD", "ETH Zürich", "中国科学院", "MIT", "复旦大学")
ZH_TITLES = (
    "声音合成与处理中的高效计算：问题、技术及其应用",
    "随机矩阵初步",
    "偏微分方程数值解的低秩方法",
    "图神经网络的表达能力",
    "最优传输与生成模型",
)
EN_TITLES = (
    "Centauri: Enabling Efficient Scheduling for Communication-Computation Overlap",
    "Randomized Numerical Linear Algebra: A Gentle Introduction",
    "Stability of Explicit Time Stepping for Stiff Problems",
    "Optimal Transport, Diffusion Models and Everything in Between",
)
REASONS = ("假期", "运动会", "期中考试周", "Public holiday")


def per_day(count: int) -> int:
    """How many sessions share each Wednesday: one, until ten years are full."""
    return max(1, math.ceil(count / WEEKS))


def schedule_text(count: int) -> str:
    """events.yaml text with ``count`` sessions; the same count always gives the same text."""
    rng = random.Random(SEED + count)
    daily = per_day(count)
    lines = [HEADER.format(count=count)]
    for index in range(count):
        week, slot = divmod(index, daily)
        day = FIRST_DAY + dt.timedelta(weeks=week)
        lines.append(f"  - date: {day.isoformat()}\n")
        if daily > 1:
            lines.append(f"    id: {day.isoformat()}-{slot}\n")
            start = SLOTS[slot % len(SLOTS)]
            end = f"{int(start[:2]) + 1}:30"
            lines.append(f'    start: "{start}"\n    end: "{end}"\n')
            lines.append(f"    location: {_quote(ROOMS[slot // len(SLOTS) % len(ROOMS)])}\n")
        roll = rng.random()
        if roll < 0.1:
            lines.append("    status: cancelled\n")
            if rng.random() < 0.5:
                lines.append(f"    reason: {_quote(rng.choice(REASONS))}\n")
        elif roll < 0.3:
            pass  # an open slot: the date (and, with several per day, its slot) only
        else:
            lines.append(_talk(rng))
    return "".join(lines)


def _talk(rng: random.Random) -> str:
    chinese = rng.random() < 0.6
    name = rng.choice(ZH_NAMES if chinese else EN_NAMES)
    affiliation = rng.choice(AFFILIATIONS)
    title = rng.choice(ZH_TITLES if rng.random() < 0.5 else EN_TITLES)
    sentences = ZH_SENTENCES if chinese else EN_SENTENCES
    abstract = [_paragraph(rng, sentences, 3, 5) for _ in range(rng.randint(1, 3))]
    bio_sentences = [s.format(name=name, aff=affiliation) for s in (ZH_BIO if chinese else EN_BIO)]
    bio = [_paragraph(rng, bio_sentences, 2, 3) for _ in range(rng.randint(1, 2))]
    text = (
        f"    speaker: {_quote(name)}\n"
        f"    affiliation: {_quote(affiliation)}\n"
        f"    title: {_quote(title)}\n"
        f"    abstract: |\n{_block(abstract)}"
        f"    bio: |\n{_block(bio)}"
    )
    if rng.random() < 0.3:
        text += f"    links:\n      slides: https://example.edu/slides/{rng.randrange(10**6)}.pdf\n"
    return text


def _paragraph(
    rng: random.Random, sentences: tuple[str, ...] | list[str], low: int, high: int
) -> str:
    joiner = "" if sentences[0][-1] == "。" else " "
    return joiner.join(rng.sample(list(sentences), rng.randint(low, high)))


def _block(paragraphs: list[str]) -> str:
    """A ``|`` block scalar body: paragraphs separated by blank lines, indented six spaces."""
    return "\n".join(f"      {p}\n" for p in paragraphs)


def _quote(text: str) -> str:
    """A JSON string is a valid YAML double-quoted scalar, whatever the text holds."""
    return json.dumps(text, ensure_ascii=False)


def write_schedule(directory: Path, count: int) -> Path:
    path = directory / f"events-{count}.yaml"
    path.write_text(schedule_text(count), encoding="utf-8")
    return path


def yaml2ics_text(events_file: Path) -> str:
    """The same schedule in yaml2ics's input format (``name``, ``timezone``, ``events``).

    Each event gets the summary, description, location and status calendar-feed
    would publish, so both tools write the same text; yaml2ics 0.3 passes the keys
    of each event to ``ics.Event`` as they are.
    """
    from calendar_feed.identity import session_uid
    from calendar_feed.source.validation import load_schedule
    from calendar_feed.texts import event_description, event_summary

    schedule = load_schedule(events_file, max_bytes=0).schedule
    series = schedule.series
    out = [f"name: {_quote(series.display_name)}\ntimezone: {series.timezone}\nevents:\n"]
    for session in schedule.sessions:
        status = {"talk": "CONFIRMED", "cancelled": "CANCELLED", "open": "TENTATIVE"}
        out.append(
            f"  - summary: {_quote(event_summary(series, session))}\n"
            f"    uid: {_quote(session_uid(series, session))}\n"
            f"    begin: {session.start.replace(tzinfo=None):%Y-%m-%d %H:%M:%S}\n"
            f"    end: {session.end.replace(tzinfo=None):%Y-%m-%d %H:%M:%S}\n"
            f"    location: {_quote(session.location)}\n"
            f"    status: {status[session.status.value]}\n"
            f"    description: {_quote(event_description(series, session))}\n"
        )
    return "".join(out)
