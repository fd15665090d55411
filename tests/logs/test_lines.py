from hypothesis import given
from hypothesis import strategies as st

from journal.logs.lines import decode_line, decode_lines, detect_encoding, split_lines


def lines_of(data: bytes, block: int = 7, max_line: int = 64 * 1024) -> list[tuple[bytes, int]]:
    blocks = [data[i : i + block] for i in range(0, len(data), block)]
    return list(split_lines(blocks, max_line))


def test_lf_crlf_and_lone_cr_all_end_a_line():
    assert lines_of(b"a\nb\r\nc\rd") == [(b"a", 1), (b"b", 1), (b"c", 1), (b"d", 1)]


def test_a_crlf_split_across_blocks_is_one_line_end():
    assert lines_of(b"ab\r\ncd\r\n", block=3) == [(b"ab", 2), (b"cd", 2)]


def test_empty_lines_count_and_a_final_line_end_adds_none():
    assert lines_of(b"a\n\n\nb\n") == [(b"a", 1), (b"", 0), (b"", 0), (b"b", 1)]
    assert lines_of(b"") == []
    assert lines_of(b"\r") == [(b"", 0)]


def test_a_very_long_line_is_cut_and_its_length_kept():
    data = b"x" * 100 + b"\nshort\n"
    assert lines_of(data, block=16, max_line=10) == [(b"x" * 10, 100), (b"short", 5)]


@given(st.binary(max_size=400), st.integers(1, 50))
def test_any_bytes_split_into_as_many_lines_as_line_ends_say(data, block):
    expected = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    if expected and expected[-1] == b"":
        expected.pop()
    assert [line for line, _ in lines_of(data, block=block)] == expected


def test_utf8_is_recognised_even_when_the_sample_cuts_a_character():
    sample = "稼働中のサーバー".encode() * 10
    assert detect_encoding(sample[:-1]) == "utf-8"


def test_japanese_legacy_encodings_are_detected():
    text = "収容サーバの高負荷により、VPSに接続ができない障害が発生いたしました。\n" * 5
    assert detect_encoding(text.encode("cp932")) == "cp932"
    assert detect_encoding(text.encode("euc_jp")) == "euc_jp"
    assert detect_encoding(text.encode("iso2022_jp")) == "iso2022_jp"


def test_latin1_text_decodes_to_the_same_characters():
    data = "Jul 20 08:12:37 host postfix: Grüße, café, naïve\n".encode("latin_1") * 5
    encoding = detect_encoding(data)
    assert decode_line(data.splitlines()[0], encoding) == "Jul 20 08:12:37 host postfix: Grüße, café, naïve"


def test_bad_bytes_and_control_characters_are_kept_escaped():
    assert decode_line(b"ok\x00nul \xff bad \x1b[31m\tTab", "utf-8") == "ok\\x00nul \\xff bad \\x1b[31m\tTab"


@given(
    st.lists(st.binary(max_size=40).filter(lambda b: b"\n" not in b and b"\r" not in b), max_size=20),
    st.sampled_from(["utf-8", "cp932", "euc_jp", "iso2022_jp", "latin_1"]),
)
def test_decoding_many_lines_at_once_equals_decoding_each(lines, encoding):
    assert decode_lines(lines, encoding) == [decode_line(line, encoding) for line in lines]
