"""Each edit on the syntax tree changes only the bytes it must."""

from __future__ import annotations

import pytest

from linter.engine.findings import Edit
from linter.fix.edits import EditError, main_patches, master_patches, option_text
from linter.fix.patch import Patches, apply
from linter.postfix.main_cf import parse_main_cf
from linter.postfix.master_cf import parse_master_cf

from limits import assert_no_traceback, python_limited


def lines_of(parsed):
    return [line for node in parsed.nodes for line in node.lines]


def edit_main(text: str, action: str, name: str, value: str | None = None) -> str:
    main = parse_main_cf(text)
    return apply(lines_of(main), main_patches(Edit(action, "main.cf", name, value), main))


def edit_master(text: str, action: str, name: str, value: str | None = None,
                service: str = "submission/inet", span=None) -> str:
    master = parse_master_cf(text)
    edit = Edit(action, "master.cf", name, value, service, span)
    return apply(lines_of(master), master_patches(edit, master))


# -- main.cf -------------------------------------------------------------------

def test_set_changes_only_the_value():
    text = "# tls\nsmtpd_tls_security_level   =   may\nmyhostname = mx\n"
    assert edit_main(text, "set", "smtpd_tls_security_level", "encrypt") == \
        "# tls\nsmtpd_tls_security_level   =   encrypt\nmyhostname = mx\n"


def test_set_changes_the_definition_in_force_not_an_earlier_duplicate():
    text = "a = 1\nb = x\na = 2\n"
    assert edit_main(text, "set", "a", "3") == "a = 1\nb = x\na = 3\n"


def test_set_joins_a_continued_value_and_keeps_comments_inside_it():
    text = "a = one,\n  two,\n# note\n  three\nb = x\n"
    assert edit_main(text, "set", "a", "four") == "a = four\n# note\nb = x\n"


def test_set_empty_value_and_value_on_continuation_line():
    assert edit_main("a =\nb = x\n", "set", "a", "v") == "a = v\nb = x\n"
    assert edit_main("a =\n   v1\n", "set", "a", "v2") == "a = v2\n"


def test_set_new_parameter_goes_beside_its_family():
    text = "smtpd_tls_cert_file = c\nsmtpd_banner = b\nmyhostname = m\n"
    assert edit_main(text, "set", "smtpd_tls_auth_only", "yes") == \
        "smtpd_tls_cert_file = c\nsmtpd_tls_auth_only = yes\nsmtpd_banner = b\nmyhostname = m\n"
    assert edit_main(text, "set", "mynetworks", "127.0.0.0/8") == \
        text + "mynetworks = 127.0.0.0/8\n"
    assert edit_main("", "set", "a", "b") == "a = b\n"


def test_crlf_stays_crlf_and_a_missing_final_newline_stays_missing():
    text = "a = 1\r\nb = 2"
    assert edit_main(text, "set", "c", "3") == "a = 1\r\nb = 2\r\nc = 3"
    assert edit_main(text, "set", "a", "9") == "a = 9\r\nb = 2"
    assert edit_main("a = 1\r\nb = 2\r\n", "remove", "b") == "a = 1\r\n"
    assert edit_main("a = 1\nb = 2", "remove", "b") == "a = 1"


def test_removing_the_unended_last_line_of_a_crlf_file_leaves_no_stray_cr():
    assert edit_main("a = 1\r\nb = 2", "remove", "b") == "a = 1"
    assert edit_main("a = 1\r\nb = 2\r\n  more", "remove", "b") == "a = 1"
    assert edit_master("submission inet n - y - - smtpd\r\n  -o smtpd_sasl_auth_enable=yes",
                       "remove", "smtpd_sasl_auth_enable") == "submission inet n - y - - smtpd"


def test_remove_takes_every_definition_and_keeps_comments():
    text = "a = yes\n# keep me\nb = x\na = yes\n  more\n# and me\n"
    assert edit_main(text, "remove", "a") == "# keep me\nb = x\n# and me\n"


def test_remove_of_an_unset_parameter_is_an_error():
    with pytest.raises(EditError):
        edit_main("a = 1\n", "remove", "b")


# -- master.cf -----------------------------------------------------------------

SUBMISSION = ("smtp inet n - y - - smtpd\n"
              "submission inet n - y - - smtpd\n"
              "\t-o syslog_name=postfix/submission\n"
              "\t-o smtpd_tls_security_level=may\n"
              "# after\n"
              "pickup unix n - y 60 1 pickup\n")


def test_set_option_in_place():
    assert edit_master(SUBMISSION, "set", "smtpd_tls_security_level", "encrypt") == \
        SUBMISSION.replace("level=may", "level=encrypt")


def test_add_option_with_the_entrys_indentation_after_its_last_line():
    out = edit_master(SUBMISSION, "set", "smtpd_tls_auth_only", "yes")
    assert out == SUBMISSION.replace("level=may\n", "level=may\n\t-o smtpd_tls_auth_only=yes\n")


def test_add_option_to_a_one_line_entry_uses_two_blanks():
    out = edit_master(SUBMISSION, "set", "smtpd_sasl_auth_enable", "no", service="smtp/inet")
    assert out.startswith("smtp inet n - y - - smtpd\n  -o smtpd_sasl_auth_enable=no\nsubmission")


def test_value_with_blanks_uses_the_long_form():
    assert option_text("x", "a, b") == "-o { x = a, b }"
    out = edit_master(SUBMISSION, "set", "smtpd_tls_security_level", "a b")
    assert "\t-o { smtpd_tls_security_level = a b }\n" in out


def test_set_single_word_form_and_brace_form():
    text = "submission inet n - y - - smtpd -osmtpd_tls_security_level=may\n"
    assert edit_master(text, "set", "smtpd_tls_security_level", "encrypt") == \
        "submission inet n - y - - smtpd -o smtpd_tls_security_level=encrypt\n"
    text = "submission inet n - y - - smtpd\n  -o { smtpd_tls_security_level = may }\n"
    assert edit_master(text, "set", "smtpd_tls_security_level", "encrypt") == \
        "submission inet n - y - - smtpd\n  -o smtpd_tls_security_level=encrypt\n"


def test_remove_option_line_and_every_duplicate():
    text = ("submission inet n - y - - smtpd\n  -o a=1\n  -o b=2\n# c\n  -o a=3\n"
            "x unix - - y - - y\n")
    assert edit_master(text, "remove", "a") == \
        "submission inet n - y - - smtpd\n  -o b=2\n# c\nx unix - - y - - y\n"


def test_remove_option_sharing_its_line():
    text = "submission inet n - y - - smtpd -o a=1 -o b=2\n"
    assert edit_master(text, "remove", "a") == "submission inet n - y - - smtpd -o b=2\n"
    assert edit_master(text, "remove", "b") == "submission inet n - y - - smtpd -o a=1\n"


def test_option_edits_on_a_missing_service_are_errors():
    with pytest.raises(EditError):
        edit_master(SUBMISSION, "set", "a", "b", service="nope/inet")
    with pytest.raises(EditError):
        edit_master(SUBMISSION, "remove", "nope")


def test_rename_service_keeps_the_alignment_of_the_rest():
    text = "smtps     inet  n       -       y       -       -       smtpd\r\n  -o a=b\r\n"
    assert edit_master(text, "rename-service", "submissions", service="smtps/inet") == \
        "submissions inet  n       -       y       -       -       smtpd\r\n  -o a=b\r\n"
    tight = "smtps\tinet n - y - - smtpd\n"
    assert edit_master(tight, "rename-service", "submissions", service="smtps/inet") == \
        "submissions\tinet n - y - - smtpd\n"
    assert edit_master("smtps inet n - y - - smtpd", "rename-service", "submissions",
                       service="smtps/inet") == "submissions inet n - y - - smtpd"


DEBIAN = ("smtp      inet  n       -       y       -       -       smtpd\n"
          "#127.0.0.1:submission inet n -   y       -       -       smtpd\n"
          "#submission inet n       -       y       -       -       smtpd\n"
          "#  -o syslog_name=postfix/submission\n"
          "#-o smtpd_tls_security_level=encrypt\n"
          "#smtps     inet  n       -       y       -       -       smtpd\n"
          "#  -o smtpd_tls_wrappermode=yes\n"
          "pickup    unix  n       -       y       60      1       pickup\n")


def test_add_service_activates_the_commented_block():
    out = edit_master(DEBIAN, "add-service", "submission", "submission inet n - y - - smtpd")
    assert out == DEBIAN.replace(
        "#submission inet n       -       y       -       -       smtpd\n"
        "#  -o syslog_name=postfix/submission\n#-o smtpd",
        "submission inet n       -       y       -       -       smtpd\n"
        "  -o syslog_name=postfix/submission\n  -o smtpd")


def test_add_service_activates_a_block_under_another_name_for_the_port():
    out = edit_master(DEBIAN, "add-service", "submissions", "x", service="submissions/inet")
    assert "\nsmtps     inet  n       -       y       -       -       smtpd\n" \
           "  -o smtpd_tls_wrappermode=yes\npickup" in out


def test_add_service_inserts_after_the_last_smtpd_listener():
    text = "smtp inet n - y - - smtpd\npickup unix n - y 60 1 pickup\n"
    block = "submissions inet n - y - - smtpd\n  -o smtpd_tls_wrappermode=yes"
    out = edit_master(text, "add-service", "submissions", block, service="submissions/inet")
    assert out == "smtp inet n - y - - smtpd\n" + block + "\npickup unix n - y 60 1 pickup\n"


def test_add_service_that_exists_is_an_error():
    with pytest.raises(EditError):
        edit_master(SUBMISSION, "add-service", "submission", "x")


def test_replace_broken_option_words():
    text = "submission inet n - y - - smtpd\n  -o smtpd_sasl_type = dovecot\n  -o a=b\n"
    out = edit_master(text, "replace", "smtpd_sasl_type", "-o smtpd_sasl_type=dovecot",
                      span=(2, 3, 2, 31))
    assert out == "submission inet n - y - - smtpd\n  -o smtpd_sasl_type=dovecot\n  -o a=b\n"


def test_replace_across_lines():
    text = "submission inet n - y - - smtpd\n  -o x=a,\n   b -o c=d\n"
    out = edit_master(text, "replace", "x", "-o x=a,b", span=(2, 3, 3, 5))
    assert out == "submission inet n - y - - smtpd\n  -o x=a,b\n -o c=d\n"


def test_replace_across_lines_outside_the_entry_or_over_a_comment_is_an_error():
    text = "submission inet n - y - - smtpd\n  -o x=a,\n# c\n   b -o c=d\nnext unix - - n - - smtp\n"
    with pytest.raises(EditError, match="not all in submission/inet"):
        edit_master(text, "replace", "x", "-o x=a,b", span=(2, 3, 5, 2))
    with pytest.raises(EditError, match="not all in submission/inet"):
        edit_master(text, "replace", "x", "-o x=a,b", span=(0, 3, 2, 2))
    with pytest.raises(EditError, match="comments between them"):
        edit_master(text, "replace", "x", "-o x=a,b", span=(2, 3, 4, 5))


def test_many_edits_of_one_entry_take_linear_time():
    """Each edit looks its option up in the entry's index, built once: a
    scan of the entry per edit was quadratic (an entry holds at most
    10,000 words: 4,990 options, each removed, took half a minute)."""
    result = python_limited(
        "from linter.engine.findings import Edit\n"
        "from linter.fix.edits import master_patches, service_index\n"
        "from linter.fix.patch import Patches, apply\n"
        "from linter.postfix.master_cf import parse_master_cf\n"
        "text = 'submission inet n - y - - smtpd\\n' + ''.join(\n"
        "    f'  -o foo_{i}=1\\n' for i in range(4_990))\n"
        "master = parse_master_cf(text)\n"
        "index, patches = service_index(master), Patches()\n"
        "for i in range(4_990):\n"
        "    patches.merge(master_patches(Edit('remove', 'master.cf', f'foo_{i}', None,\n"
        "                                      'submission/inet'), master, index))\n"
        "lines = [line for node in master.nodes for line in node.lines]\n"
        "print(apply(lines, patches).count('foo_'))\n", seconds=8, memory_mb=600)
    assert_no_traceback(result)
    assert result.out == "0\n"


def test_empty_patches_change_nothing():
    text = "a = 1\r\n\r\n# c\nb"
    main = parse_main_cf(text)
    assert apply(lines_of(main), Patches()) == text
