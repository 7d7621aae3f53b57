"""The words and shapes of text that priority against the work reads (incident-2,
sdesk/procedures/priority_fit.py): who is affected (the whole site, a unit, the public), how
badly (stopped, degraded, cosmetic), time pressure and people kept waiting, each against the
SLA chart's descriptions (reference/sla.toml). Patterns only; the readings are priority_fit's.
"""

from __future__ import annotations

import re

UNIT = (r"(agency|office|building|site|division|branch|location|campus|center|centre|"
         r"facility|district|region|county|organi[sz]ation|company|users|staff|employees|pcs|bldg|"
         r"computers|workstations)")
# The whole agency, site or office: the chart's P1 scope ("a whole agency, site ... down").
# The place after "at the" / "everyone on", shown in the evidence ("any pc at the div 4 yard",
# not "any pc at the"): up to three words before a verb, optional, so what matches is as before.
_VERB = r"(?!(?:is|are|was|were|has|have|had|can|cant|cannot|could|wont|not|gets|getting|got)\b)"
_PLACE = rf"(?:\s+(?:the\s+|our\s+)?{_VERB}[\w-]+(?:\s+{_VERB}[\w-]+){{0,2}})?"
WIDE = re.compile(
    rf"\b(whole|entire|all|every|across)\s+(the\s+|our\s+|of\s+)?(\w+\s+)?{UNIT}\b|"
    rf"\bno {UNIT} (can|could|is|has|gets)\b|"
    r"\b(agency|site|office|company|building)[- ]wide\b|\b(nobody|no one|noone|everyone|"
    r"everybody) (can|here|is|has|gets|getting)\b|\b(nobody|no one|noone|everyone|everybody) "
    rf"(in|on|at) (the |our )?(\w+ )?{UNIT}\b|\ball of us\b|\bno phones\b|"
    r"\ball (the |our )?(phones|computers|pcs)\b|\bpublic[- ](facing|website|site|portal)\b|"
    r"\b(the public|citizens|residents|constituents)\b|"
    # several sites named ("all 3 sites same", "every clinic"), a site's every pc ("any pc at
    # the div 4 yard"), everyone at a place (at: a site or agency; in: a unit, GROUP's)
    r"\b(all|every|both|across)\s+(\d+\s+|the\s+|our\s+)?(\w+\s+)?(sites|offices|locations|"
    r"branches|campuses|buildings|clinics|districts|counties|regions|facilities|yards|"
    r"stations)\b|\b(any|every|no)\s+(pc|computer|workstation|terminal)s?\b.{0,20}\b(at|in|on) "
    rf"(the|our)\b{_PLACE}|\b(nobody|no one|noone|everyone|everybody) at\b{_PLACE}",
    re.IGNORECASE)
# Many users, less than the whole: the chart's P2 scope ("many users ... degraded").
GROUP = re.compile(
    r"\b(several|multiple|many|most|lots of|a lot of|a bunch of|a few|\d+)\s+(people|users|"
    r"staff|of us|employees|computers|pcs|machines|agents)\b|\bagents\b|\b(whole|entire)\s+(\w+\s+)?"
    r"(team|unit|section|floor|department|dept)\b|\b(our|the)\s+(\d\w*\s+|(east|west|north|"
    r"south)\s+)?(team|unit|section|floor|department|dept)\b|"
    # a unit (not a site: WIDE)
    rf"\b(nobody|no one|noone|everyone|everybody|anyone|anybody) (in|on|at)\b{_PLACE}|"
    r"\bcall cent(er|re)\b|\bhalf (of )?(our|the|us)\b|"
    r"\b(users|nurses|clerks|caseworkers|workers|inspectors) (cant|can't|cannot)\b", re.IGNORECASE)
# Public-facing work: stopped for a group it is an outage of a critical service (P1).
PUBLIC = re.compile(r"\bcall cent(er|re)\b|\b911\b|\bpublic\b", re.IGNORECASE)
DEGRADED = re.compile(r"\b(slo+w\w*|drop\w*|intermittent\w*|lag\w*|sluggish|choppy|cutting out|"
                       r"delay\w*|sometimes|on and off|spotty|losing|crawl\w*)\b", re.IGNORECASE)
# A VIP named in the text (the chart's P2 "a VIP degraded"), besides reference/vip.toml.
VIP_NAMED = re.compile(r"\b(commissioner|governor|cabinet secretary|exec(utive)? director|"
                        r"agency director|chief of staff|directors?|ceo|cfo|coo|cio)\b",
                        re.IGNORECASE)
# the payroll folder is not payroll, nor is payroll's cut-off (a deadline: time pressure)
NOT_THE_RUN = r"(?!\s+(folder|share|file|drive|report|cuts?\s+off|cutoff|locks|closes|deadline|due))"
CRITICAL = re.compile(rf"\bpayroll\b{NOT_THE_RUN}.*\b(fail\w*|error\w*|down|cant|cannot|can't|"
                       rf"stuck|wont|won't|not)\b|\b(fail\w*|error\w*|down|cant|cannot|can't)\b"
                       rf".*\bpayroll\b"
                       rf"{NOT_THE_RUN}",
                       re.IGNORECASE)
DEADLINE = re.compile(r"\b(deadline|due) (today|tomorrow|tonight|this)\b|\bchecks due\b|"
                       r"\b(deadline|due)\b.*\b(today|tonight|tmrw|tomorrow|noon)\b|"
                       r"\b(meeting|meets|briefing|hearings?|go(ing)? live|session)\b.*\b(at|in|by) "
                       r"\d|\b(meeting|briefing|hearing)\b.*\b(today|tmrw|tomorrow)\b|"
                       r"\bneeds? (these|this|them|it)\b.*\btoday\b|\bto do today\b|"
                       r"\b(before|by) (\d+|noon|eod|end of (the )?day)\b|"
                       r"\bdue (by|at|in) \w+|\b(hearing|court|board meeting|presentation|"
                       r"presenting|legislature)\b.*\b(today|in \d+|at \d+)\b", re.IGNORECASE)
# Time pressure said without a deadline word (session 26, read from no single writer's words): a
# clock time to come ("the regents meet at 5 tonight", "students scheduled at 9", "by 3pm"),
# "tonight", "in 1 hr", "this afternoon", a deadline or something due. Not "at 35%", "at 2
# sites", "due to", and not a time past ("since 8", "this morning").
TIME_TO_COME = re.compile(
    r"\b(at|by|before|until|till|til) (\d{1,2}(:\d\d)?(\s?[ap]\.?m\b\.?)?|noon)\b"
    r"(?!\s*(%|people|users|ppl|pcs|of\b|sites|campuses|desks|computers|min|mins|minutes|hrs?\b|"
    r"hours?|days?|times))|\btonight\b|\bin (\d+|an|a|one) ?(min\w*|hrs?|hours?)\b|"
    r"\bthis (afternoon|evening)\b|\bdeadline\b|\bdue\b(?! to\b)", re.IGNORECASE)
# People kept waiting by the failure ("walk-ins waiting in lobby", "claimants on hold", "40
# adjudicators idle", "200 in queue"): the chart's time-critical work stopped, not a time past
# ("20 min waiting") or a print job in a queue.
PEOPLE = (r"(\d+\s+(?!min|mins|minutes|hrs?\b|hours?|sec|secs|seconds|days?)(\w+\s+)?|"
           r"\b(ppl|people|customers|patients|callers|claimants|clients|students|applicants|"
           r"patrons|members|walk-?ins|citizens|visitors|taxpayers|staff|nurses|officers|"
           r"inspectors|farmers|arrivals|reviewers|adjudicators|counselors|lobby|unit|team|"
           r"floor|everyone)\s+((are|is)\s+)?)")
WAITING = re.compile(rf"{PEOPLE}(waiting|on hold|idle|sitting|lined up)\b|"
                      r"\b\d+ (calls )?in (the )?queue\b|\blobby (is )?full\b|"
                      r"\bsent \d+ \w+ home\b", re.IGNORECASE)
# The work stopped downstream: the lab rejecting the tubes, the public turned away, cars or the
# line backed up (the chart's time-critical work stopped, P2).
DOWNSTREAM = re.compile(r"\b(rejecting|turn(ed|ing) (\w+ )?away|line out the door)\b|"
                         r"\b(\w+ )?backed up\b(?! (to|on|in|onto|my|the|files?|data)\b)",
                         re.IGNORECASE)
# ... the public queued or sent away by a shared system (no device named): the chart's
# "public-facing system down" (P1): "lanes wont post txns, cars backed up past the gantry".
PUBLIC_QUEUED = re.compile(r"\bturn(ed|ing) (\w+ )?away\b|\bline out the door\b|"
                            r"\b(cars|traffic|trucks|lanes?|lobby|customers|public) "
                            r"(are |is )?backed up\b", re.IGNORECASE)
# A time waited, not people waiting ("20 min waiting on hold with the vendor", "waited 2 hrs for
# callback": session 35's fresh user, proposed P1 by both readings before): the rules read
# no time pressure in it, and the learned reading ('waiting') may not read one either.
TIME_WAITED = re.compile(r"\b\d+\s*(min\w*|hrs?|hours?)\s+(waiting|on hold)\b|"
                          r"\b(waiting|on hold)\s+(for\s+)?\d+\s*(min\w*|hrs?|hours?)\b|"
                          r"\bbeen (waiting|on hold)\b|"
                          r"\bwaited\s+(for\s+)?\d+\s*(min\w*|hrs?|hours?)\b", re.IGNORECASE)
# A shared service's deliveries late by hours ("emails from outside arriving 2 hrs late"): late
# for everyone it delivers to, the chart's "many users degraded".
LATE = re.compile(r"\b(arriv\w*|showing up|coming in|lands?|landing|delivered)\b.{0,20}"
                   r"\b(late|delayed)\b|\b\d+ (hrs?|hours?) late\b", re.IGNORECASE)
# What a display or an indicator shows is stale or wrong while the work goes on (the chart's
# "cosmetic faults"): "my desk phone display shows the wrong name", "voicemail light stuck on,
# no messages in it", "the lobby sign still shows last months events".
SHOWS_WRONG = re.compile(
    r"\b(light|lamp|indicator)\b.{0,25}\b(stuck|stays|stay|still|keeps|is) (on|lit|blinking|"
    r"flashing)\b|\b(shows?|showing|displays?|displaying)\b.{0,25}\b(wrong|old|previous|last|"
    r"someone else.?s|outdated)\b.{0,20}\b(name|logo|picture|photo|events|title)", re.IGNORECASE)
JOINED = re.compile(r"\b(and|plus)\b|\+", re.IGNORECASE)  # a second problem joined on
# Dozens of people stopped ("40 adjudicators idle", "the queue is 140 deep", "22 nursing students
# scheduled"): not "many users degraded" but the outage of a critical service (P1). Twenty or
# more, counted; not minutes.
CROWD = re.compile(r"\b(\d{2,})\s+(?!min|mins|minutes|hrs?\b|hours?|sec|secs|seconds|days?|%)"
                    r"(\w+\s+)?(ppl|people|users|staff|callers|calls|students|teachers|members|"
                    r"employees|agents|clients|customers|patients|(in (the )?queue|deep|waiting|"
                    r"idle|sitting|on hold)\b)", re.IGNORECASE)
CROWD_LEAST = 20
# A workaround said ("using webmail for now", "tearing by hand", "i can still save them"): the
# chart's P1 and P2 both say "no workaround", so the learned reading and the trend propose
# nothing from silence where one is.
WORKAROUND = re.compile(r"\bfor now\b|\binstead\b|\bby hand\b|\bcan still\b|"
                         r"\bstill works\b|\bwork ?around\b|\bin the meantime\b",
                         re.IGNORECASE)
# A public-facing system (the chart's P1 "public-facing system down"): what people outside the
# agency use, named by its kind rather than its name.
_NOT_INSIDE = r"(?! (in|at|on) (our|the|this)\b)"  # "for anyone in our office": not the public
PUBLIC_SYSTEM = re.compile(rf"\b(web ?site|portal|online|for (anyone|everyone){_NOT_INSIDE}|"
                            r"for the public|"
                            r"anyone outside|statewide|claimants|applicants|providers|callers|"
                            r"players|taxpayers|retailers|vendors|(claims|license|public) site)\b",
                            re.IGNORECASE)
# ... named by who uses it ("for anyone", "claimants"): public whoever writes ("I only wanted to
# mention that our public catalogue has not come up for anyone"), unlike "a website" ("i paste
# from a website").
# ... "for everyone" of a device named ("the printer jams for everyone") is everyone who uses
# the device: the office, not the public.
EVERYONE = re.compile(rf"for (anyone|everyone){_NOT_INSIDE}", re.IGNORECASE)
PUBLIC_WHO = re.compile(rf"\b(for (anyone|everyone){_NOT_INSIDE}|for the public|"
                         r"anyone outside|claimants|"
                         r"applicants|providers|callers|players|taxpayers|retailers|vendors)\b",
                         re.IGNORECASE)
# A shared system stopped (a "system", a server, the network: not one person's device) said
# without "my"/"I": the chart's "outage of a critical service".
SHARED = re.compile(r"\b(system|server|network|internet|database|phones)\b", re.IGNORECASE)
STOPPED = re.compile(r"\b(down|offline|outage|not responding|unreachable|nothing .{0,30}\bworks|"
                      r"no (internet|network|connection|phones|email))\b", re.IGNORECASE)
# A service said to be down or out, of nobody in particular ("OMS is down at mabel bassett",
# "OkTAP down??"): the corpora label it P1 47 times in 55. Not a follow-up ("still down, any
# eta?"): it keeps its first report's priority (follow_up_fit), P1 or none.
DOWN = re.compile(r"\b(\w+\s+){1,2}down\b(?!\s*(the|to|load))|\b(\w+\s+)?outage\b|"
                   r"\b(\w+\s+)?(phones?|network|internet|wi-?fi|lines?|radios?|cams|cameras|"
                   r"service|system|server)\s+((is|are|went|still)\s+)?out\b(?!\s+(of|the)\b)|"
                   # "phones dead" as "phones out" (fresh-user finding, session 28): plural or shared
                   r"\b(\w+\s+)?(phones|network|internet|wi-?fi|lines|radios|service|system|server)\s+"
                   r"((is|are|went|still|all|all went)\s+)?dead\b|"
                   r"\b(\w+\s+)?(service|server|site|system) (is )?unavailable\b", re.IGNORECASE)
# Where the public is served in person ("cant issue certs at the counter"): stopped, it is time-
# critical work (P2), though one device.
SERVING = re.compile(r"\b(counter|(ppl|people) (waiting|lined up))\b",
                      re.IGNORECASE)
# Symptoms of one machine, not of a site: a jam, a noise, a flicker.
ONE_DEVICE = frozenset(("jam", "noise", "flicker"))
ONE_PERSON = re.compile(r"\b(my|i|me|i'm|im)\b", re.IGNORECASE)
QUESTION = re.compile(r"\?\s*$")  # a title that asks, with nothing failing: a question (P4)
# ... unless it asks after work already reported ("any ETA??"): a follow-up, not a question
# "update" is a follow-up's word asked or announced ("update??", "update: still down", "update
# on the vpn"), not a verb of the work ("cant update road closures", "windows update broke it":
# session 33's finding, read as follow-ups until session 34); so is "status" ("status?",
# "status of my ticket"), not a system's ("claim status page wont load")
FOLLOW_UP = re.compile(r"\b(still|again|any (update|news|eta|word)|"
                       r"update(?=\s*[?:!-]|\s+on\b|\s*$)|eta|"
                       r"status(?=\s*[?:!-]|\s+(of|on|update)\b|\s*$))\b", re.IGNORECASE)
# A follow-up that adds a problem of its own ("unrelated but my mouse quit") does not report
# the earlier outage.
NEW_PROBLEM = re.compile(r"\b(unrelated|also|separate|btw|another|different|too)\b",
                          re.IGNORECASE)
# Failing said without a failure word: a blank screen, a button that does nothing, an HTTP error
ALSO_FAILS = re.compile(r"\b(does nothing|nothing happens|blank|black|never (comes|arrives)|"
                        r"spin(s|ning)|red x|50[03]|errors? out|tim(es|ed|ing) out|white screen)\b",
                        re.IGNORECASE)
LOW = re.compile(r"\b(how (do|to|can)|question|where (do|can) i find|cosmetic|when you get a "
                  r"chance|no rush|low priority|not urgent|whenever|is there a way|slightly|"
                  r"a (little|bit) off|misspel\w*|typo|signature|font|wallpaper|desktop background|icons|"
                  r"crooked|upside down|(are|were|got|look) swapped|key ?cap|spell?ed wrong|"
                  r"still works|works fine|"
                  r"(i|we) can still (save|open|read|see|print|work))\b", re.IGNORECASE)
# One user's account locked ("ACCOUNT LOCKED CANT LOGIN TO PC!!!", "says account locked, typed
# it wrong like 3 times"): the chart's P3 "one user impaired", whatever it was logged at.
# Session 37: typed as people type it ("lockd out", "locekd out", "acct locked", "pw expired",
# "password exprd"): _LOCK is "locked" with its letters dropped or swapped, never "looked".
_LOCK = r"(?!looked)l[ocke]{3,5}d"
LOCKED = re.compile(
    r"\b(?:(?:account|acct|acount|accnt|acc|login|user ?id|i'?m|im|i am|got|been|keeps? "
    r"getting|it|me)\s+(?:is\s+|got\s+|was\s+|has been\s+|been\s+)?" + _LOCK + r"(?:\s+out)?"
    r"|" + _LOCK + r"\s+(?:me\s+)?out"
    r"|(?:pw|pwd|passwd|password|pass word)\s+(?:has\s+|is\s+|was\s+)?"
    r"(?:expired|exprd|expird|expierd|expried|exipred|expred)"
    r"|(?:account|acct) lockout)\b", re.IGNORECASE)
