import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from core.text import nfc, search_key, search_terms


def test_search_key_strips_vietnamese_diacritics():
    assert search_key("Nguyễn Thị Ánh") == "nguyen thi anh"
    assert search_key("ĐINH Công Định") == "dinh cong dinh"
    assert search_key("  Hồ   Xuân  Hương ") == "ho xuan huong"


def test_decomposed_and_composed_forms_give_same_key_and_nfc():
    composed = "Nguyễn Thị Ánh"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert nfc(decomposed) == composed
    assert search_key(decomposed) == search_key(composed)


def test_search_terms_split_words():
    assert search_terms("Nguyen  ANH") == ["nguyen", "anh"]
    assert search_terms("") == []


@given(st.text())
def test_search_key_is_idempotent_ascii_lowercase_without_marks(text):
    key = search_key(text)
    assert search_key(key) == key
    assert key == key.casefold()
    assert not any(unicodedata.combining(ch) for ch in key)
    assert "đ" not in key


@given(st.text())
def test_nfc_is_idempotent(text):
    assert nfc(nfc(text)) == nfc(text)
    assert unicodedata.is_normalized("NFC", nfc(text))


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_nfc_ascii_shortcut_is_the_general_rule(text):
    import re

    assert nfc(text) == re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    assert nfc(text + "ễ") == re.sub(r"\s+", " ", unicodedata.normalize("NFC", text + "ễ")).strip()
