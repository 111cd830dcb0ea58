function __avc-explain_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __avc-explain_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __avc-explain_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __avc-explain_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __avc-explain_parse_tokens -S
    set -l unparsed_tokens (__avc-explain_tokens -pc)
    switch $unparsed_tokens[1]
    case 'avc-explain'
        __avc-explain_parse_subcommand -r 1 'input=+' 'sosreport=+' 'input-logs' 'since=' 'until=' 'node=+' 'by-node' 'p/pid=+' 'c/comm=+' 'x/exe=+' 'perm=+' 'live' 'follow=+' 'plugin' 'save-records=' 'output=' 'syslog-facility=' 'syslog-ident=' 'repeat-window=' 'verbose' 'format=' 'sysroot=+' 'library-path=' 'color=' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'explain'
            __avc-explain_parse_subcommand -r 1 'input=+' 'sosreport=+' 'input-logs' 'since=' 'until=' 'node=+' 'by-node' 'p/pid=+' 'c/comm=+' 'x/exe=+' 'perm=+' 'live' 'follow=+' 'plugin' 'save-records=' 'output=' 'syslog-facility=' 'syslog-ident=' 'repeat-window=' 'verbose' 'format=' 'sysroot=+' 'library-path=' 'color=' 'version' 'h/help'
        case 'check'
            __avc-explain_parse_subcommand -r 1 'show-jit' 'format=' 'sysroot=+' 'library-path=' 'color=' 'version' 'h/help'
        case 'help'
            __avc-explain_parse_subcommand -r 1 'version'
        end
    end
end

function __avc-explain_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __avc-explain_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __avc-explain_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __avc-explain_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__avc-explain_tokens -p)
    if test -z "$(__avc-explain_tokens -t)"
        set -l index (count (__avc-explain_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'avc-explain' -f
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_positional "avc-explain" -ge 1' -F
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain"' -l 'input' -o 'if' -d 'Read this log, or a directory\'s audit.log and its rotations (audit.log.1, …, .gz too), oldest first; repeatable.' -rF
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain"' -l 'sosreport' -d 'Read this sosreport, an extracted directory or its .tar.xz/.tar.gz, in place: its audit logs and its host\'s facts (kernel, glibc, SELinux mode, booleans, processes); NODE=PATH for one node of an aggregated log (repeatable). One is recognised by its layout without this option.' -rF
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain" input-logs' -l 'input-logs' -d 'Read the log auditd.conf\'s log_file names (default /var/log/audit/audit.log) and its rotations, oldest first; under --sysroot, that root\'s.'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain" since ts' -l 'since' -o 'ts' -d 'Only events at or after this time: now, recent, boot, today, yesterday, this-week, week-ago, this-month, this-year, a local date (2026-11-27 or 11/27/2026: midnight) with an optional time (09:14 or 09:14:03), a time alone (today), ISO 8601 as the JSON output prints it (2026-11-29T01:07:59Z, 2026-11-29T01:07:59+01:00; without a zone, local), or @SECONDS. Years 1970 to 9999; impossible dates are refused.' -rfka 'now recent boot today yesterday this-week week-ago this-month this-year'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain" te until' -l 'until' -o 'te' -d 'Only events at or before this time (same forms as --since).' -rfka 'now recent boot today yesterday this-week week-ago this-month this-year'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain"' -l 'node' -d 'Only events from this node (node= prefix); repeatable.' -rfka ''
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain" by-node' -l 'by-node' -d 'With --format summary, a table of the nodes of an aggregated log (node=): findings, denials and exec* mechanisms of each.'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain"' -l 'pid' -s 'p' -d 'Only events of this process id; repeatable.' -rfka ''
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain"' -l 'comm' -s 'c' -d 'Only events of this command name (comm); repeatable.' -rfka ''
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain"' -l 'exe' -s 'x' -d 'Only events of this executable path; repeatable.' -rF
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain"' -l 'perm' -d 'Only denials of this permission (execmem, execstack, …); repeatable.' -rfka 'execmem execstack execheap execmod'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain" live' -l 'live' -d 'Explain denials as they happen, from the kernel\'s audit multicast group (needs CAP_AUDIT_READ; runs beside auditd). Stops on SIGINT or SIGTERM with a summary.'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain"' -l 'follow' -d 'Follow this log as it grows, like tail -F (across rotation and truncation); repeatable, and combines with --live.' -rF
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain" plugin' -l 'plugin' -d 'Read auditd\'s plugin stream on standard input (plugins.d, format = string); see contrib/avc-explain.conf.'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain" save-records' -l 'save-records' -d 'With --live, also append every record received to this file, as auditd would log it.' -rF
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain" output' -l 'output' -d 'In live modes, also append the JSON Lines records (as --format json prints them) to this file, created 0600.' -rF
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain" syslog-facility' -l 'syslog-facility' -d 'With --plugin, the syslog facility of its lines: user (the default, as audisp-syslog\'s), daemon, auth, authpriv, syslog, local0 to local7.' -rfka 'user daemon auth authpriv syslog local0 local1 local2 local3 local4 local5 local6 local7'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain" syslog-ident' -l 'syslog-ident' -d 'With --plugin, the syslog identifier of its lines (default avc-explain).' -rfka ''
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain" repeat-window' -l 'repeat-window' -d 'In live modes, identical denials within this many seconds are counted, not printed again.' -rfka ''
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain" verbose' -l 'verbose' -d 'With --live, tell on standard error the socket buffer the kernel granted and, at exit, how far the analysis fell behind.'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain" format' -l 'format' -d 'Output format: \'text\' for people, \'summary\' (a line per finding), \'markdown\' (for tickets), \'json\' for scripts.' -rfka 'text summary markdown json'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain"' -l 'sysroot' -d 'Read executables, libraries and ld.so.cache under this directory, as if it were /; NODE=DIR for one node of an aggregated log (repeatable).' -rfa '(__avc-explain_complete_directories)'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain" library-path' -l 'library-path' -d 'LD_LIBRARY_PATH of the program, when known: searched as ld.so would, after RPATH and before RUNPATH.' -rfa '(__avc-explain_complete_directories)'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain" color' -l 'color' -d 'When to colour text output: auto (only on a terminal, never with NO_COLOR), always, never.' -rfka 'auto always never'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain" version' -l 'version' -d 'Show the version.'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_positional "avc-explain" -eq 2' -fa 'explain' -d 'Explain the exec* denials in audit logs (the default subcommand).'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_positional "avc-explain" -eq 2' -fa 'check' -d 'Say which binaries and libraries will need execmem, execstack or execmod, and why.'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_positional "avc-explain" -eq 2' -fa 'help' -d 'Show subcommand help information.'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_positional "avc-explain explain" -ge 1' -F
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain"' -l 'input' -o 'if' -d 'Read this log, or a directory\'s audit.log and its rotations (audit.log.1, …, .gz too), oldest first; repeatable.' -rF
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain"' -l 'sosreport' -d 'Read this sosreport, an extracted directory or its .tar.xz/.tar.gz, in place: its audit logs and its host\'s facts (kernel, glibc, SELinux mode, booleans, processes); NODE=PATH for one node of an aggregated log (repeatable). One is recognised by its layout without this option.' -rF
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain" input-logs' -l 'input-logs' -d 'Read the log auditd.conf\'s log_file names (default /var/log/audit/audit.log) and its rotations, oldest first; under --sysroot, that root\'s.'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain" since ts' -l 'since' -o 'ts' -d 'Only events at or after this time: now, recent, boot, today, yesterday, this-week, week-ago, this-month, this-year, a local date (2026-11-27 or 11/27/2026: midnight) with an optional time (09:14 or 09:14:03), a time alone (today), ISO 8601 as the JSON output prints it (2026-11-29T01:07:59Z, 2026-11-29T01:07:59+01:00; without a zone, local), or @SECONDS. Years 1970 to 9999; impossible dates are refused.' -rfka 'now recent boot today yesterday this-week week-ago this-month this-year'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain" te until' -l 'until' -o 'te' -d 'Only events at or before this time (same forms as --since).' -rfka 'now recent boot today yesterday this-week week-ago this-month this-year'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain"' -l 'node' -d 'Only events from this node (node= prefix); repeatable.' -rfka ''
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain" by-node' -l 'by-node' -d 'With --format summary, a table of the nodes of an aggregated log (node=): findings, denials and exec* mechanisms of each.'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain"' -l 'pid' -s 'p' -d 'Only events of this process id; repeatable.' -rfka ''
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain"' -l 'comm' -s 'c' -d 'Only events of this command name (comm); repeatable.' -rfka ''
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain"' -l 'exe' -s 'x' -d 'Only events of this executable path; repeatable.' -rF
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain"' -l 'perm' -d 'Only denials of this permission (execmem, execstack, …); repeatable.' -rfka 'execmem execstack execheap execmod'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain" live' -l 'live' -d 'Explain denials as they happen, from the kernel\'s audit multicast group (needs CAP_AUDIT_READ; runs beside auditd). Stops on SIGINT or SIGTERM with a summary.'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain"' -l 'follow' -d 'Follow this log as it grows, like tail -F (across rotation and truncation); repeatable, and combines with --live.' -rF
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain" plugin' -l 'plugin' -d 'Read auditd\'s plugin stream on standard input (plugins.d, format = string); see contrib/avc-explain.conf.'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain" save-records' -l 'save-records' -d 'With --live, also append every record received to this file, as auditd would log it.' -rF
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain" output' -l 'output' -d 'In live modes, also append the JSON Lines records (as --format json prints them) to this file, created 0600.' -rF
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain" syslog-facility' -l 'syslog-facility' -d 'With --plugin, the syslog facility of its lines: user (the default, as audisp-syslog\'s), daemon, auth, authpriv, syslog, local0 to local7.' -rfka 'user daemon auth authpriv syslog local0 local1 local2 local3 local4 local5 local6 local7'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain" syslog-ident' -l 'syslog-ident' -d 'With --plugin, the syslog identifier of its lines (default avc-explain).' -rfka ''
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain" repeat-window' -l 'repeat-window' -d 'In live modes, identical denials within this many seconds are counted, not printed again.' -rfka ''
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain" verbose' -l 'verbose' -d 'With --live, tell on standard error the socket buffer the kernel granted and, at exit, how far the analysis fell behind.'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain" format' -l 'format' -d 'Output format: \'text\' for people, \'summary\' (a line per finding), \'markdown\' (for tickets), \'json\' for scripts.' -rfka 'text summary markdown json'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain"' -l 'sysroot' -d 'Read executables, libraries and ld.so.cache under this directory, as if it were /; NODE=DIR for one node of an aggregated log (repeatable).' -rfa '(__avc-explain_complete_directories)'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain" library-path' -l 'library-path' -d 'LD_LIBRARY_PATH of the program, when known: searched as ld.so would, after RPATH and before RUNPATH.' -rfa '(__avc-explain_complete_directories)'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain" color' -l 'color' -d 'When to colour text output: auto (only on a terminal, never with NO_COLOR), always, never.' -rfka 'auto always never'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain" version' -l 'version' -d 'Show the version.'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain explain" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain check" show-jit' -l 'show-jit' -d 'Also list files that may need execmem because a JIT library is in their closure.'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain check" format' -l 'format' -d 'Output format: \'text\' for people, \'summary\' (a line per finding), \'markdown\' (for tickets), \'json\' for scripts.' -rfka 'text summary markdown json'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain check"' -l 'sysroot' -d 'Read executables, libraries and ld.so.cache under this directory, as if it were /; NODE=DIR for one node of an aggregated log (repeatable).' -rfa '(__avc-explain_complete_directories)'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain check" library-path' -l 'library-path' -d 'LD_LIBRARY_PATH of the program, when known: searched as ld.so would, after RPATH and before RUNPATH.' -rfa '(__avc-explain_complete_directories)'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain check" color' -l 'color' -d 'When to colour text output: auto (only on a terminal, never with NO_COLOR), always, never.' -rfka 'auto always never'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain check" version' -l 'version' -d 'Show the version.'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain check" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'avc-explain' -n '__avc-explain_should_offer_completions_for_flags_or_options "avc-explain help" version' -l 'version' -d 'Show the version.'
