"""The parts of a WORKLOAD span: activity, count, unit (measure word), approximate.

「组织专题调研8次」 → activity 组织专题调研, count 8, unit 次;
「刊发稿件60余篇」 → count 60, unit 篇, approximate; 「立案53件提案」 → activity 立案,
object 提案; 「服务1.2万人次」 → count 12000, unit 人次; 「二十余场」 → count 20.
The quantity is the last number followed by a measure word, so a number
inside the activity's name (「十四五」规划) does not win over the count.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from pipeline.lexicon import APPROXIMATE_AFTER, APPROXIMATE_BEFORE

# Longer words first so 人次 wins over 人 and 场次 over 场.
MEASURE_WORDS = sorted("""
次 件 篇 期 项 个 场 场次 人次 名 册 条 份 批 家 户 人 天 本 套 台 辆 处 所 部 卷 页 幅 集 组 轮 届 节 课时 学时
篇次 件次 期次 批次 户次 车次 架次 条次 份次 余次 家次 万字 字 首 张 封 单 起 宗 例 所次 座 间 栋 亩 公里 千米 米
平方米 小时 日 周 月 年度 门 堂 讲 课 题 位 支 队 团 村 镇 街道 社区 单位 企业 学校 个次 期刊 版 版次 块 根 台次 人天
盏 剂次 册次 卷次 台件 头次 头份 辑 笔 对
""".split(), key=len, reverse=True)
# 类 is none: N类 sorts what the work covers into kinds (「…等四类资产」), it counts no work done.
# The last line: measure words of work done that spec_constraints dropped as counts without a unit
# (检修…灯组2,315盏, 接种…疫苗3.47万剂次); 笔 counts transactions handled and 对 couples registered (清理往来款项…笔:
# the generator's housekeeping work, which spec_constraints dropped). Tonnes, areas, head of livestock and plants stay out:
# with them the tagger kept a unit's statistics (粮食总产量23.4万吨, 辖区面积12.7平方公里,
# 生猪存栏7.6万头, 日均清运312吨) as WORKLOAD, nine false spans on the dev set against three found.


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}

_FW_DIGITS = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
_NUM = r"(?:\d+(?:[.,]\d+)*|[零〇一二两三四五六七八九十百千]+)"
_MW = "|".join(re.escape(w) for w in MEASURE_WORDS)
QUANTITY = re.compile(
    rf"(?P<before>{'|'.join(APPROXIMATE_BEFORE)})?(?P<num>{_NUM})(?P<big>[万亿])?"
    rf"(?P<after>{'|'.join(APPROXIMATE_AFTER)})?(?P<unit>{_MW})(?P<after2>以上|左右)?"
)


@dataclass
class WorkloadParts:
    activity: str | None = None
    count: float | None = None
    unit: str | None = None
    approximate: bool = False
    object: str | None = None

    def as_attrs(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


def chinese_number(s: str) -> float | None:
    """二十 → 20, 一百五十 → 150, 两千 → 2000, 三 → 3; None when not a numeral."""
    if not s or any(c not in _CN_DIGITS and c not in _CN_UNITS for c in s):
        return None
    if all(c in _CN_DIGITS for c in s):  # 一二〇 style digit strings
        return float(int("".join(str(_CN_DIGITS[c]) for c in s)))
    total, digit = 0, None
    for c in s:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[c]
            digit = None
    if digit is not None:
        total += digit
    return float(total)


def parse_number(num: str, big: str | None = None) -> float | None:
    num = num.translate(_FW_DIGITS)
    if re.fullmatch(r"\d+(?:[.,]\d+)*", num):
        # a comma between digit groups is a thousands separator; a dot is the decimal point
        value = float(num.replace(",", ""))
    else:
        value = chinese_number(num)
        if value is None:
            return None
    if big:
        value *= _BIG_UNITS[big]
    return int(value) if float(value).is_integer() else round(value, 6)


_TRIM_ACTIVITY = re.compile(r"(?:共计|累计|合计|总计|共|计|达到|达|了|等|为|近|约|逾|超过|多达)+$")
_TRIM_LEAD = re.compile(r"^[，,、。；;：:\s]+")
# words before a WORKLOAD's activity that say "in all", "this year" or "also", not what was
# done; kept out of the activity here and out of the span by pipeline.tag.decode
# Of them, those that say when or how much in all end where the activity begins whatever stands
# before them (not 共 or 并, which stand inside 公共, 合并). A longer word comes before its prefix.
TIME_AND_TOTAL_LEADS = ("全年", "本年度", "今年以来", "一年来", "年内", "累计", "共计")
LEAD_WORDS = re.compile("(?:" + "|".join(TIME_AND_TOTAL_LEADS + (
    "今年", "本年", "先后", "其中", "合计", "总计", "共", "另外", "同时", "此外", "并", "还", "实际")) + ")+")


def parse_workload(text: str) -> WorkloadParts:
    """Split a WORKLOAD span into its parts; count/unit stay None when no quantity is found."""
    norm = text.translate(_FW_DIGITS)  # one-for-one, so offsets in norm are offsets in text
    matches = [m for m in QUANTITY.finditer(norm) if parse_number(m.group("num"), m.group("big")) is not None]
    if not matches:
        return WorkloadParts(activity=text.strip() or None)
    # 「一批」「一次性」 read as a count only when nothing else is one
    if len(matches) > 1:
        matches = [m for m in matches if m.group("num") != "一"] or matches
    m = matches[-1]
    count = parse_number(m.group("num"), m.group("big"))
    before = text[:m.start()]
    after = _TRIM_LEAD.sub("", text[m.end():]).strip()
    approx = bool(m.group("before") or m.group("after") or m.group("after2"))
    # 「约」「近」 written before the count but outside the number group (e.g. 「近 50 次」)
    stripped = before.rstrip()
    if stripped.endswith(APPROXIMATE_BEFORE):
        approx = True
    trimmed = _TRIM_ACTIVITY.sub("", stripped).strip()
    lead = LEAD_WORDS.match(trimmed)
    activity = (trimmed[lead.end():] if lead else trimmed) or None
    obj = after or None
    if activity is None and obj:
        activity, obj = obj, None
    return WorkloadParts(activity=activity, count=count, unit=m.group("unit"), approximate=approx, object=obj)
