"""Patterns and prefilters written for speed (the structure stage is timed) must find exactly
what their plain forms find."""
from __future__ import annotations

import random
import re

from pipeline import PROJECT_ROOT, clean
from pipeline.lexicon import PAGE_NUMBER
from pipeline.structure import prose_facts
from pipeline.structure.amounts import _term_starts
from pipeline.structure.lexicon import load_lexicon


def _fuzz(pieces: list[str], n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 14))) for _ in range(n)]


def _same_matches(fast: re.Pattern, plain: re.Pattern, texts: list[str]) -> int:
    matched = 0
    for t in texts:
        want = [(m.span(), m.groups()) for m in plain.finditer(t)]
        assert [(m.span(), m.groups()) for m in fast.finditer(t)] == want, t
        matched += bool(want)
    return matched


def test_total_score_pattern_matches_its_plain_form():
    subjects = "我局|我单位|本单位|本部门|我委|我办|我院|我中心|部门整体|单位整体"
    words = prose_facts._wrappable("总分", "综合得分", "总得分", "自评得分", "自评总分", "评价得分", "综合评分",
                                   "整体支出绩效得分", "自评结果")
    plain = re.compile(prose_facts._TOTAL_SCORE.pattern.replace(prose_facts._SUBJECT_SCORED,
                                                                f"(?:{subjects})(?:自评)?得分"))
    assert plain.pattern != prose_facts._TOTAL_SCORE.pattern and words in plain.pattern
    pieces = ["总分", "综合", "得分", "自评", "我局", "本单位", "部门整体", "总", "分", "\n", "为", "：", " ", "98.5", "100", "中"]
    assert _same_matches(prose_facts._TOTAL_SCORE, plain, _fuzz(pieces, 20000, 1)) > 50


def test_unit_mention_pattern_matches_its_plain_form():
    fast = prose_facts._UNIT_ANY
    plain = re.compile(fast.pattern[fast.pattern.index("(?P<unit>"):])
    pieces = ["政协", "青禾", "鹿", "市", "区", "县", "自治区", "地区", "街道", "委员会", "局", "人民政府", "镇", "中心",
              "办公室", "的", "在", "\n", "a", "1"]
    assert _same_matches(fast, plain, _fuzz(pieces, 20000, 2)) > 50


def test_page_number_lines_are_the_lines_page_number_fullmatches():
    pieces = ["-", "—", "－", " ", "\u3000", "\t", "12", "3", "第", "页", "共", "/", "，", "中", "\n", "\n"]
    matched = 0
    for t in _fuzz(pieces, 20000, 3):
        starts, pos = [], 0
        for line in t.split("\n"):
            if PAGE_NUMBER.fullmatch(line):
                starts.append(pos)
            pos += len(line) + 1
        assert [m.start() for m in clean._PAGE_NUMBER_LINE.finditer(t)] == starts, t
        matched += bool(starts)
    assert matched > 50


def test_term_starts_hold_every_match_start():
    lex = load_lexicon()
    texts = [p.read_text(encoding="utf-8") for p in sorted((PROJECT_ROOT / "examples").glob("*.txt"))]
    for fields in (lex.budget, lex.assets, lex.one_project_budget):
        terms = [t for f in fields for t in f.terms]
        texts.append("，".join(re.sub(r"[()?:|*+\\]", "", t) for t in terms))
        for f, starts in _term_starts(fields):
            if starts is None:
                continue
            for t in texts:
                for m in f.pattern.finditer(t):
                    assert t[m.start()] in starts, (f.name, m.group(0))


def test_odd_char_is_any_character_of_the_character_passes():
    for code in range(0x10000):
        c = chr(code)
        union = bool(clean._ZERO_WIDTH.match(c) or clean._CHAR_RE.match(c) or clean._FOREIGN.match(c))
        assert bool(clean._ODD_CHAR.match(c)) == union, hex(code)


def test_heading_start_characters_hold_every_numbered_line():
    from pipeline.structure import sections
    pieces = ["第", "一", "十", "两", "（", "(", "）", ")", "1", "12", "①", "⑳", "【", "】", "〖", "、", ".", "．", " ",
              "\u3000", "部分", "章", "总体情况", "a", "-"]
    numbered = 0
    for line in _fuzz(pieces, 20000, 4):
        stripped = line.lstrip(" \u3000")
        styled = any(p.match(stripped) for _, _, p in sections._STYLES)
        part = any(p.match(stripped) for _, _, p in sections._PART_STYLES)
        assert not styled or sections._NUMBERING_START.match(stripped), line
        assert not part or sections._PART_START.match(stripped), line
        assert not (styled or part) or sections._HEADING_START.match(stripped), line
        numbered += styled or part
    assert numbered > 50


def test_has_number_at_end_answers_as_the_number_at_end_search():
    from pipeline.structure import table_facts
    pieces = ["1", "23", "456", ",", ",", ".", "%", " ", "\n", "\t", "-", "−", "－", "中", "a", "１", "万元"]
    found = 0
    for t in _fuzz(pieces, 40000, 5):
        want = table_facts._NUMBER_AT_END.search(t) is not None
        assert (table_facts._HAS_NUMBER_AT_END.search(t) is not None) == want, t
        found += want
    assert found > 50


def test_money_matches_are_the_money_pattern_matches():
    from pipeline.structure.amounts import MONEY, money_matches
    pieces = ["1", "23", "4,567", ",", ".", " ", "\n", "\u3000", "-", "−", "－", "元", "万元", "亿元", "千元", "万", "千",
              "亿", "中", "a", "１", "12.5", "元元"]
    matched = 0
    for t in _fuzz(pieces, 40000, 6):
        want = [(m.span(), m.groupdict()) for m in MONEY.finditer(t)]
        assert [(m.span(), m.groupdict()) for m in money_matches(t)] == want, t
        matched += bool(want)
    assert matched > 50


def test_sentence_end_mark_matches_its_plain_form():
    from pipeline.structure import amounts
    plain = re.compile(amounts._SENTENCE_END_MARKS)
    pieces = ["。", "；", ";", "！", "?", "？", ".", "5", "\n", "\n\n", " \n", "\t", "a\tb", "\u3000", "预算", "全年预算数",
              "：", ":", "中", "1.5"]
    assert _same_matches(amounts._SENTENCE_END_MARK, plain, _fuzz(pieces, 40000, 7)) > 50
    for t in _fuzz(pieces, 5000, 8):   # bounded searches, as _sentence_start and prose_project_ranges make them
        for lo in range(0, len(t), 3):
            assert [m.span() for m in amounts._SENTENCE_END_MARK.finditer(t, lo, len(t) - 1)] == \
                [m.span() for m in plain.finditer(t, lo, len(t) - 1)], t


def test_clean_pass_guards_hold_wherever_their_pass_finds_something():
    # clean_text skips a number pass on a text without the pair of characters it needs
    pieces = ["1", "23", "456", ",", ".", "．", "。", " ", "\u3000", "\t", "\n", "中", "A", "b", "万", "%", "-",
              "1 234.5", "中\tA中", "5. 3", "\t.8"]
    guards = [
        (clean._DEC_SPACE, lambda t: ". " in t or ".\u3000" in t or "． " in t or "．\u3000" in t),
        (clean._SPLIT_DECIMAL, lambda t: "\t." in t or "\t．" in t),
        (clean._THOUSANDS_SPACE, lambda t: clean._SPACE_IN_FIGURE.search(t)),
        (clean._OCR_LETTER, lambda t: clean._TAB_LETTER.search(t)),
        (clean._TRAILING, lambda t: " \n" in t or "\u3000\n" in t or t[-1:] in (" ", "\u3000")),
    ]
    found = [0] * len(guards)
    for t in _fuzz(pieces, 40000, 9):
        for k, (pattern, guard) in enumerate(guards):
            if pattern.search(t):
                assert guard(t), (pattern.pattern, t)
                found[k] += 1
        if any(" " in m.group(0) for m in clean._SPACED_DIGITS.finditer(t)):   # the letter-spaced pass's edits
            assert clean._SPACE_IN_FIGURE.search(t), t
    assert min(found) > 20, found


def test_literal_led_forms_match_as_their_patterns_where_the_other_literal_is_absent():
    # clean_text uses _FW_DOT_STOP on a text without 「．」, find_grade_scale _GRADE_STATED_WEI on one
    # without 「属于」
    pieces = ["1", "23", "．", "。", ".", "为", "属于", "优", "良好", "不合格", "“", "\"", "中", "\n", " ", "\u3000", "5. 2"]
    for fast, plain, absent in ((clean._FW_DOT_STOP, clean._FW_DOT, "．"), (clean._DEC_SPACE_POINT, clean._DEC_SPACE, "．"),
                                (prose_facts._GRADE_STATED_WEI, prose_facts._GRADE_STATED, "属于")):
        texts = [t.replace(absent, "") for t in _fuzz(pieces, 20000, 10)]
        assert _same_matches(fast, plain, texts) > 50


def test_whole_lines_are_the_line_patterns_matches():
    pieces = ["-", "—", "－", " ", "\u3000", "\t", "12", "3", "第", "页", "共", "/", "，", "中", "\n", "\n", "☆", "★", "|",
              "…", "a", "。", "\n- 3 -\n", "\n第 2 页 共 5 页", "\n☆ ★\n"]
    for line, after_break in ((clean._PAGE_NUMBER_LINE, clean._PAGE_NUMBER_LINE_AFTER_BREAK),
                              (clean._SYMBOL_LINE, clean._SYMBOL_LINE_AFTER_BREAK)):
        matched = 0
        for t in _fuzz(pieces, 30000, 11):
            want = [m.span() for m in line.finditer(t)]
            assert clean._whole_lines(line, after_break, t) == want, t
            matched += bool(want)
        assert matched > 50


def test_every_staff_statement_holds_one_of_its_words():
    # find_staff runs a field's pattern only on a text with one of the field's words
    pieces = ["年末", "实有", "在职", "在编", "在岗", "人员", "职工", "人数", "离", "退休", "为", "共", "有", "：", "12", "3,905",
              "名", "人", "\t", "|", "\n", " ", "中"]
    found = dict.fromkeys(prose_facts._STAFF_WORDS, 0)
    for t in _fuzz(pieces, 30000, 13):
        for field_name, words in prose_facts._STAFF_WORDS.items():
            for m in prose_facts._STAFF_RES[field_name].finditer(t):
                assert any(w in m.group(0) for w in words), (field_name, t)
                found[field_name] += 1
    assert min(found.values()) > 50, found


def test_every_filing_date_key_holds_one_of_its_words():
    # find_meta looks for the filing date only in a text with one of _FILLED_WORDS
    from pipeline.structure.lexicon import top_level_alternatives
    keys = prose_facts._FILLED.pattern[len("(?:"):prose_facts._FILLED.pattern.index(")")]
    for key in top_level_alternatives(keys):
        assert any(w in key for w in prose_facts._FILLED_WORDS), key
