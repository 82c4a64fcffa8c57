#!/bin/bash
# SPDX-License-Identifier: MIT
# The classifier measured on mail its model never saw (issue 4):
#  - `sltctl classify` prints one JSON object per line with exactly the
#    fields of the issue, without a config or a database;
#  - the committed model (data/model.tsv) is what `make model` builds now;
#  - 10-fold cross-validation over the training pool (data/train without
#    its held-out files, and the 160 samples);
#  - the held-out part of data/train (heldout.txt, never trained on);
#  - the 160 samples, classified by a model trained on data/train alone.
# Floors are set a little below the figures measured when they were
# written (in the comments); "dropped" counts requests (sparring,
# werkpakket, vraag, afmelden) classified automatisch or overig.
# slt-timeout: 600
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"

plan 15
slt_tmpdir
cd "$SLT_SRCDIR" || bail_out "no source dir"
[ -x "$SLTCTL" ] || bail_out "no $SLTCTL (make first)"

# -- sltctl classify: the JSON lines of the issue, no config, no database --
out=$(SLTD_CONFIG=/nonexistent/sltd.conf "$SLTCTL" classify \
	tests/corpus/messages/0003.eml tests/corpus/messages/0014.eml \
	tests/corpus/messages/0047.eml 2>"$SLT_TMP/classify.err")
is "$?" 0 "classify runs without a config or database"
ok "classify prints one JSON object per line with the issue's fields" \
	"$SLT_PY" -c '
import json, sys
lines = sys.stdin.read().splitlines()
assert len(lines) == 3, lines
want = ["file", "intent", "theme", "kenmerken", "packages", "org", "confidence", "review", "why"]
rows = [json.loads(l) for l in lines]
for r in rows:
    assert list(r) == want, list(r)
    assert r["intent"] in ("sparring", "werkpakket", "vraag", "afmelden", "automatisch", "overig")
    assert isinstance(r["kenmerken"], list) and isinstance(r["packages"], list)
    assert isinstance(r["why"], list) and r["why"] and all(isinstance(w, str) for w in r["why"])
    assert 0.0 <= r["confidence"] <= 1.0 and isinstance(r["review"], bool)
    assert isinstance(r["org"], str)
# 0003: all packages; 0014: a read receipt; 0047: English sparring request
assert rows[0]["intent"] == "werkpakket" and rows[0]["packages"] == ["alle"], rows[0]
assert rows[1]["intent"] == "automatisch", rows[1]
assert rows[2]["intent"] == "sparring" and rows[2]["org"] == "gemeente:Nijmegen", rows[2]
' <<<"$out"

# -- classify --learn-orgs: a signature teaches its domain's org to later files --
# 0241 signs "Stichting Wijkteams Schiedam"; 0443, from the same domain, does not
out=$("$SLTCTL" classify data/train/messages/0443.eml)
like "$out" '"org":""' "without learning, an unsigned team message has no org"
out=$("$SLTCTL" classify --learn-orgs data/train/messages/0241.eml data/train/messages/0443.eml | tail -n 1)
like "$out" '"org":"team:Stichting Wijkteams Schiedam"' "with --learn-orgs it gets the org an earlier signature named"

# -- the committed model is the one `make model` builds from today's data --
"$SLTCTL" train -o "$SLT_TMP/model.tsv" data/train tests/corpus 2>"$SLT_TMP/train.err" \
	|| bail_out "sltctl train failed: $(cat "$SLT_TMP/train.err")"
if ! cmp -s data/model.tsv "$SLT_TMP/model.tsv"; then
	diag "data/model.tsv is stale: the training data or the text preparation changed; run 'make model'"
fi
same_bytes data/model.tsv "$SLT_TMP/model.tsv" "data/model.tsv equals a fresh 'make model'"

# -- 10-fold cross-validation over the pool (661 messages) --
# measured: intent 0.953, theme 0.946, packages 0.997, org 0.932, dropped 0
# (0.943 before a municipality's mail for another VNG department went to
# overig instead of vraag: classify.c OVERIG_EVIDENCE)
# (the pool grew by 13 messages of batch 6: exclusions inside a package
# request, "thanks, no need" replies, typos in package names; the 648 of
# before measured 0.941/0.943/0.995/0.931, 0.944/0.943/0.995/0.931 with
# today's rules and lexicon)
# (the pool grew by 33 messages of batch 5, written for the kinds held-out
# and cross-validation got wrong: overig questions to VNG about other
# things, questions on what is allowed with the packages, English
# requests, package requests after a session; the 615 of before measured
# 0.951/0.951/0.997/0.928 with both the earlier and today's rules)
# (the pool grew by 30 messages of kinds the rules got wrong or barely
# had: questions about the packages, requests and session requests
# phrased as questions; the 585 of before measured intent 0.944, theme
# 0.963, packages 0.990 with the earlier rules, 0.952/0.963/0.997 with
# today's; the 523 of before that, intent 0.966 with the first rules)
ok "10-fold cross-validation meets its floors" \
	"$SLTCTL" crossval -q -k 10 --min intent=0.93 --min theme=0.94 --min packages=0.98 \
	--min org=0.90 --max-dropped 0 data/train tests/corpus

# -- the held-out part of data/train (124 messages, never trained on: the
# first 90 and 34 of the later batches, written before the model saw them) --
# measured: intent 0.984, theme 0.952, packages 0.992, org 0.944, dropped 0
# (intent 0.952 before OVERIG_EVIDENCE)
# (the 121 of before: 0.950/0.963/0.992/0.942 with the earlier rules; the
# one theme lost, t0574, leans on "Gemeente Ede" in a batch 6 signature)
# (misdirected municipal mail goes to staff as vraag); the 113 of before:
# intent 0.965, theme 0.960, packages 0.991 (were 0.929, 0.973, 0.982
# with the earlier rules and model)
out=$("$SLTCTL" eval -q --heldout --exclude-trained --min intent=0.92 --min theme=0.95 \
	--min packages=0.95 --min org=0.90 --max-dropped 0 data/train)
st=$?
diag "$(grep -E '^(messages|intent |theme |packages |org |requests|FAIL)' <<<"$out")"
is "$st" 0 "held-out data/train meets its floors"
like "$out" "messages: 124" "the held-out files are all evaluated, none left out as trained"
# The organisation as sltd sees it: the mailbox read in order, each
# signature teaching its domain's org to later mail (the training files
# teach too: learning reads signatures, never labels).
# measured: org 0.976 (0.944 without learning)
out=$("$SLTCTL" eval -q --heldout --exclude-trained --learn-orgs=all --min org=0.95 data/train)
st=$?
diag "$(grep -E '^(org |FAIL)' <<<"$out")"
is "$st" 0 "held-out org, learning domains from earlier mail, meets its floor"

# -- the 160 samples, with a model that never saw them --
"$SLTCTL" train -o "$SLT_TMP/train-only.tsv" data/train 2>/dev/null || bail_out "train failed"
# measured: intent 0.994, theme 1.000, packages 1.000, org 0.963, dropped 0;
# org 0.988 with --learn-orgs=all
# (the lexicon and the rules were written with the samples in view, so
# these figures flatter the rules; the model part is honest)
out=$("$SLTCTL" eval -q --model "$SLT_TMP/train-only.tsv" --exclude-trained \
	--min intent=0.96 --min theme=0.96 --min packages=0.97 --min org=0.93 \
	--max-dropped 0 tests/corpus)
st=$?
diag "$(grep -E '^(messages|intent |theme |packages |org |requests|FAIL)' <<<"$out")"
is "$st" 0 "the samples, by a model trained without them, meet their floors"
ok "the samples' org, learning domains in file order, meets its floor" \
	"$SLTCTL" eval -q --model "$SLT_TMP/train-only.tsv" --exclude-trained --learn-orgs=all \
	--min org=0.97 tests/corpus

# -- the model knows what it was trained on --
out=$("$SLTCTL" eval -q --exclude-trained tests/corpus)
like "$out" "left out 160 messages the model was trained on" "eval --exclude-trained leaves out the training messages"
out=$("$SLTCTL" eval -q tests/corpus)
like "$out" "WARNING: the figures include 160 messages" "eval warns when figures include training messages"

# -- a broken floor fails the run --
nok "eval exits non-zero below a floor" \
	"$SLTCTL" eval -q --min intent=1.01 --model "$SLT_TMP/train-only.tsv" tests/corpus

# -- a lexicon with an error is refused with its line --
printf 'intent:sparring 2 sparren\nintent:sparing 1 gesprek\n' >"$SLT_TMP/bad.lex"
out=$("$SLTCTL" classify --lexicon "$SLT_TMP/bad.lex" tests/corpus/messages/0001.eml 2>&1)
like "$out" "lexicon line 2: unknown label 'intent:sparing'" "a bad lexicon is refused with its line number"

done_testing
