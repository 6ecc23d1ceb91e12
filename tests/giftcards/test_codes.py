"""Gift card, coupon and reward codes: drawn with `secrets`, typed any way people type."""

import math

from hypothesis import given
from hypothesis import strategies as st

from giftcards import codes

gift_card_codes = st.text(alphabet=codes.GIFT_CARD_ALPHABET, min_size=16, max_size=16)
separators = st.lists(st.sampled_from([" ", "-", "  ", "\u2013"]), min_size=16, max_size=16)


def test_a_gift_card_code_carries_at_least_80_random_bits():
    assert len(set(codes.GIFT_CARD_ALPHABET)) == 32
    assert codes.GIFT_CARD_LENGTH * math.log2(len(codes.GIFT_CARD_ALPHABET)) >= 80


def test_the_alphabet_leaves_out_letters_read_as_digits():
    assert not set("ILOU") & set(codes.GIFT_CARD_ALPHABET)
    assert not set("ILO") & set(codes.REWARD_ALPHABET)


def test_new_gift_card_codes_are_drawn_from_the_alphabet_and_differ():
    drawn = {codes.new_gift_card_code() for _ in range(1000)}
    assert len(drawn) == 1000
    assert all(codes.gift_card_key(code) == code for code in drawn)


def test_a_reward_code_is_six_random_letters():
    drawn = [codes.new_reward_code() for _ in range(200)]
    assert all(len(code) == 6 and code.isalpha() and code.isupper() for code in drawn)
    assert len(set(drawn)) > 190


@given(gift_card_codes)
def test_a_gift_card_code_reads_back_from_its_display_form(code):
    shown = codes.display(code)
    assert shown.count("-") == 3
    assert codes.gift_card_key(shown) == code


@given(gift_card_codes, st.booleans(), separators)
def test_a_gift_card_code_is_found_in_any_case_with_or_without_separators(code, lower, gaps):
    typed = "".join(char + gap for char, gap in zip(code.lower() if lower else code, gaps,
                                                    strict=True))
    assert codes.gift_card_key(f"  {typed} ") == code


@given(gift_card_codes)
def test_o_i_and_l_typed_for_zero_and_one_still_find_the_card(code):
    typed = code.replace("0", "o").replace("1", "l")
    assert codes.gift_card_key(typed) == code


@given(st.text(max_size=40))
def test_anything_that_is_not_sixteen_alphabet_characters_is_no_gift_card(text):
    key = codes.gift_card_key(text)
    assert key is None or (len(key) == 16 and set(key) <= set(codes.GIFT_CARD_ALPHABET))


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789- ", max_size=40))
def test_coupon_codes_compare_without_case_spaces_or_dashes(text):
    normalised = codes.normalise(text)
    assert normalised == codes.normalise(normalised.lower())
    assert " " not in normalised
    assert "-" not in normalised
    assert normalised == normalised.upper()


def test_a_coupon_code_is_three_to_thirty_two_letters_and_digits():
    assert codes.is_valid_coupon_code("SUMMER10")
    assert not codes.is_valid_coupon_code("AB")
    assert not codes.is_valid_coupon_code("X" * 33)
    assert not codes.is_valid_coupon_code("ÉTÉ2026")


def test_only_the_last_four_characters_are_shown_on_receipts():
    assert codes.masked("ABCDEFGHJKMNPQRS") == "…PQRS"
