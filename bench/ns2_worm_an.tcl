# ns-2's analytical-network worm model (Application/Worm/An, apps/worm.cc in
# ns-2.35), run by bench_fast as the mean-field baseline of the same run.
# Usage: ns ns2_worm_an.tcl SCAN_RATE VULNERABLE END_SECONDS
#
# The model prints "A time s i r probe_in probe_out" every TimeStep (1 s). Its
# dynamics depend only on the vulnerable count s_max and on
# beta = ScanRate * s_max / 2^32 (ns-2 fixes the 2^32), not on the size of the
# address range, so the range is 2^31 addresses with v_percent = s_max / 2^31:
# ns-2.35 dies with SIGFPE on a range of 2^32. No detailed network: the
# dn-range is two addresses, so the AN sends no probe out (probe_out < 1).
set rate [lindex $argv 0]
set vuln [lindex $argv 1]
set end [lindex $argv 2]
set ns [new Simulator]
set node [$ns node]
set udp [new Agent/UDP]
$ns attach-agent $node $udp
set an [new Application/Worm/An]
$an attach-agent $udp
$an set ScanRate $rate
$an set TimeStep 1
$an addr-range 0 2147483647
$an dn-range 1 2
$an v_percent [expr {double($vuln) / 2147483648.0}]
$ns at 0.0 "$an start"
$ns at $end "exit 0"
$ns run
