
use builtin;
use str;

set edit:completion:arg-completer[sasmint] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'sasmint'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'sasmint'= {
            cand -v 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand --verbose 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand mint 'Mint a SAS token for a container or blob'
            cand key 'Fetch a user delegation key and print it as JSON (a secret: store it like a password)'
            cand inspect 'Decode a SAS token or URL: what it grants, to what, until when, and its risks'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sasmint;mint'= {
            cand --for 'Who will use the token; sets the permissions'
            cand -p 'Permission letters instead of a preset, in any order (racwdxyltmeopi)'
            cand --permissions 'Permission letters instead of a preset, in any order (racwdxyltmeopi)'
            cand --expires-in 'How long the token lives: 90m, 8h, 7d (at most 7d)'
            cand --expiry 'When the token expires, RFC 3339 (2026-05-01T12:00:00Z); at most 7 days ahead'
            cand --start 'When the token starts, RFC 3339 [default: 15 minutes ago, against clock skew]'
            cand --ip 'Only accept requests from this IPv4 address or range (a.b.c.d or a.b.c.d-e.f.g.h)'
            cand --encryption-scope 'Encrypt blobs written with the token under this encryption scope'
            cand --delegation-key 'Sign offline with a key saved by `sasmint key` (a file, or - for stdin). No network'
            cand -o 'What to print'
            cand --output 'What to print'
            cand --auth 'How to get an Entra ID token'
            cand --account 'The storage account name, for a custom domain whose host does not name it'
            cand --timeout 'Give up on the network after this many seconds (all retries included)'
            cand --allow-http 'Allow plain http as well as https (spr=https,http). Default: https only'
            cand -v 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand --verbose 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sasmint;key'= {
            cand --expires-in 'How long the key lives: 90m, 8h, 7d (at most 7d; 7d is clamped a few minutes short)'
            cand --auth 'How to get an Entra ID token'
            cand --account 'The storage account name, for a custom domain whose host does not name it'
            cand --timeout 'Give up on the network after this many seconds (all retries included)'
            cand -v 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand --verbose 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sasmint;inspect'= {
            cand -o 'What to print'
            cand --output 'What to print'
            cand -v 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand --verbose 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sasmint;completions'= {
            cand -v 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand --verbose 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sasmint;man'= {
            cand -v 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand --verbose 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sasmint;help'= {
            cand mint 'Mint a SAS token for a container or blob'
            cand key 'Fetch a user delegation key and print it as JSON (a secret: store it like a password)'
            cand inspect 'Decode a SAS token or URL: what it grants, to what, until when, and its risks'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sasmint;help;mint'= {
        }
        &'sasmint;help;key'= {
        }
        &'sasmint;help;inspect'= {
        }
        &'sasmint;help;completions'= {
        }
        &'sasmint;help;man'= {
        }
        &'sasmint;help;help'= {
        }
    ]
    $completions[$command]
}
