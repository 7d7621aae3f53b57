"""`list --requester` takes an e-mail (any case) or a name as written (any case): the tester's
`list --requester "Ana Ruiz"` printed "(none)" (session 37)."""

from __future__ import annotations

from conftest import Desk


def test_list_requester_by_email_or_name(desk: Desk) -> None:
    tid = desk.new("-T", "Outlook will not open", "--email", "ana.ruiz@omes.ok.gov", "--name",
                   "Ana Ruiz", "--agency", "OMES", "--service", "Email", "-d", "x")
    other = desk.new("-T", "VPN down", "--email", "bo@omes.ok.gov", "--name", "Bo Lee",
                     "--agency", "OMES", "--service", "VPN", "-d", "x")
    for who in ("ana.ruiz@omes.ok.gov", "Ana.Ruiz@OMES.ok.gov", "Ana Ruiz", "ana  ruiz"):
        assert [t["id"] for t in desk.json("list", "--requester", who)] == [tid], who
    assert desk.json("list", "--requester", "Ana") == []  # a whole name, not a part
    assert [t["id"] for t in desk.json("list", "--requester", "bo lee")] == [other]
