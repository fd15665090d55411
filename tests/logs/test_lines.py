import bz2
import gzip
import io
from unittest.mock import ANY

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal.logs.lines import (
    Decoder,
    Decompressed,
    LogReadError,
    binary_reason,
    compression_named,
    compression_of,
    decode_line,
    decode_lines,
    detect_encoding,
    split_lines,
    with_sample,
)


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


def blocks_of(data: bytes, compression: str, limit: int = 10**9) -> tuple[bytes, Decompressed]:
    stream = Decompressed(io.BytesIO(data), compression, limit)
    return b"".join(stream), stream


LOG = b"".join(b"Jul 20 08:12:37 host sshd[%d]: Received signal 15; terminating.\n" % pid for pid in range(300))


@pytest.mark.parametrize(("compress", "name"), [(gzip.compress, "gzip"), (bz2.compress, "bzip2")])
def test_gzip_and_bzip2_are_told_by_their_first_bytes_and_decompressed(compress, name):
    packed = compress(LOG)
    assert compression_of(packed[:4]) == name
    assert blocks_of(packed, name) == (LOG, ANY)
    assert compression_of(LOG[:4]) == ""


def test_a_rotated_log_of_several_gzip_members_is_read_whole():
    packed = gzip.compress(b"first\n") + gzip.compress(b"second\n")
    assert blocks_of(packed, "gzip")[0] == b"first\nsecond\n"


def test_names_promise_a_compression():
    assert [compression_named(n) for n in ("messages.1.gz", "syslog.2.BZ2", "messages", "x.tgz")] == [
        "gzip", "bzip2", "", "gzip"
    ]  # fmt: skip


def test_a_bomb_stops_at_the_limit_with_a_clear_error():
    bomb = gzip.compress(b"\0" * (8 * 1024 * 1024))  # 8 MiB of zeros in about 8 KiB
    assert len(bomb) < 20_000
    with pytest.raises(LogReadError, match="gzip: decompressed it holds more than 1,048,576 bytes"):
        blocks_of(bomb, "gzip", limit=1024 * 1024)


def test_a_truncated_gzip_gives_the_lines_before_the_damage():
    whole = b"".join(b"Jul 20 08:12:37 host app[%d]: line %d\n" % (n % 99991, n) for n in range(200_000))
    packed = gzip.compress(whole)
    data, stream = blocks_of(packed[: len(packed) // 2], "gzip")
    assert len(whole) // 4 < len(data) < len(whole) and whole.startswith(data)
    assert "only the lines before it are read" in stream.damage


def test_bytes_that_only_start_like_gzip_are_read_as_they_are():
    data, stream = blocks_of(b"\x1f\x8bnot really gzip\n", "gzip")
    assert data == b"\x1f\x8bnot really gzip\n"
    assert "does not decompress" in stream.damage and "read as it is" in stream.damage


def test_the_sample_is_taken_without_losing_a_byte():
    sample, blocks = with_sample([b"ab", b"cd", b"ef"], size=3)
    assert (sample, b"".join(blocks)) == (b"abc", b"abcdef")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"PK\x03\x04" + b"\0" * 40, "zip archive"),
        (b"\xfd7zXZ\x00" + b"x" * 40, "xz archive"),
        (b"\x28\xb5\x2f\xfd" + b"x" * 40, "zstd archive"),
        (b"x" * 257 + b"ustar\x0000", "tar archive"),
        (b"ELF\x00\x00\x01 text", "NUL bytes"),
        (bytes(range(1, 32)) * 4, "control bytes"),
    ],
)
def test_binary_files_are_told_from_text(data, reason):
    assert reason in binary_reason(data)


def test_text_with_tabs_escapes_and_japanese_is_not_binary():
    text = "Jul 20 08:12:37 host app:\tok \x1b[32mgreen\x1b[0m 稼働中\r\n".encode() * 50
    assert binary_reason(text) == ""
    assert binary_reason(text.decode().encode("cp932")) == ""


MIXED_JA = "収容サーバの高負荷により、VPSが再起動しました"


def test_a_file_mixing_utf8_and_shift_jis_lines_reads_each_line_right():
    lines = [
        f"Jul 20 08:12:37 host app: {MIXED_JA}".encode(),
        f"Jul 20 08:12:38 host app: {MIXED_JA}".encode("cp932"),
        b"Jul 20 08:12:39 host app: plain ascii",
        f"Jul 20 08:12:40 host app: {MIXED_JA}（再送）".encode("cp932"),
    ]
    decoder = Decoder(b"\n".join(lines))
    texts = decoder.decode(lines)
    assert [t.split(": ", 1)[1] for t in texts] == [MIXED_JA, MIXED_JA, "plain ascii", f"{MIXED_JA}（再送）"]
    assert decoder.encoding == "mixed (utf-8, cp932)"


@pytest.mark.parametrize("encoding", ["euc_jp", "cp932"])
def test_a_file_all_in_one_legacy_encoding_says_just_that(encoding):
    lines = [f"Jul 20 08:12:3{i} host app: {MIXED_JA}".encode(encoding) for i in range(5)] + [b"ascii only"]
    decoder = Decoder(b"\n".join(lines))
    assert decoder.decode(lines)[0].endswith(MIXED_JA)
    assert decoder.encoding == encoding


def test_an_ascii_file_is_utf8_and_iso2022_jp_is_decided_for_the_whole_file():
    ascii_decoder = Decoder(b"a\nb")
    assert (ascii_decoder.decode([b"a", b"b"]), ascii_decoder.encoding) == (["a", "b"], "utf-8")
    jis = [f"Jul 20 host app: {MIXED_JA}".encode("iso2022_jp")]
    decoder = Decoder(jis[0])
    assert (decoder.decode(jis)[0].endswith(MIXED_JA), decoder.encoding) == (True, "iso2022_jp")


@given(st.lists(st.binary(max_size=40).filter(lambda b: b"\n" not in b), max_size=20))
def test_decoding_any_lines_keeps_one_text_per_line_without_control_characters(lines):
    texts = Decoder(b"\n".join(lines)).decode(lines)
    assert len(texts) == len(lines)
    assert not any(ch in text for text in texts for ch in "\x00\x01\x1f\x7f")
