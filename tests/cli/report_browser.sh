# report_browser.sh: report.html renders in a real browser (headless Chromium): the page is not blank, shows its
# sections and embedded figures, and logs no console errors.
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || skip "chromium not installed (scripts/install-deps.sh installs it)"
expect 0 "$ZF" simulate --out s --per-group 4 --seconds 60 --fps 10 --seed 4
expect 0 "$ZF" run s/study.yaml --out r -q
assert "report written" test -s r/report.html
for section in Design Parameters 'Tracking quality' Metrics Statistics Figures Provenance; do
    assert "report has a '$section' section" grep -q "<h2>$section</h2>" r/report.html
done
assert "figures are embedded, not linked" grep -q 'src="data:image/png;base64,' r/report.html
assert "self-contained: no external resources" test -z "$(grep -Eo '(src|href)="(https?:|file:|/)[^"]*' r/report.html | head -1)"
run timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$WORK/profile" \
    --enable-logging=stderr --v=0 --window-size=1200,1600 --screenshot="$WORK/shot.png" "file://$WORK/r/report.html"
cp "$WORK/last.err" "$WORK/chromium.err"
assert "chromium took a screenshot" test -s shot.png
run /usr/bin/python3 "$TESTS/tools/png_stats.py" shot.png
stdout_has '^1200 1600 [0-9]+$'
assert "screenshot is not blank (more than 20 colours)" test "$(cut -d' ' -f3 "$WORK/last.out")" -gt 20
assert "no console errors" test -z "$(grep -E 'CONSOLE.*(Error|error|Uncaught)|Uncaught' chromium.err)"
