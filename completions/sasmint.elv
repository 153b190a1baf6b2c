
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
            cand geocatalog 'Register a container with a GeoCatalog (Planetary Computer Pro) as an ingestion source'
            cand ard 'Register a write-only SAS with Maxar ARD as order-delivery credentials'
            cand kusto-uri 'Print a blob or container URI for Azure Data Explorer (Kusto) ingestion'
            cand revoke-keys 'Incident response: revoke every user delegation key of a storage account'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff): sasmint(1), or a command''s own page, sasmint-COMMAND(1)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sasmint;mint'= {
            cand --from-file 'Read URLs from a file (or - for stdin), one per line; blank lines and # comments skipped'
            cand --for 'Who will use the token; sets the permissions'
            cand -p 'Permission letters instead of a preset, in any order (racwdxyltmeopi; for a queue raup: r peek, a add, u update, p process)'
            cand --permissions 'Permission letters instead of a preset, in any order (racwdxyltmeopi; for a queue raup: r peek, a add, u update, p process)'
            cand --expires-in 'How long the token lives: 90m, 8h, 7d (at most 7d), from --start if given, else from now [env: SASMINT_EXPIRES_IN]'
            cand --expiry 'When the token expires, RFC 3339 (2026-05-01T12:00:00Z); at most 7 days ahead'
            cand --start 'When the token starts, RFC 3339 [default: 15 minutes ago, against clock skew]'
            cand --ip 'Only accept requests from this IPv4 address or range (a.b.c.d or a.b.c.d-e.f.g.h)'
            cand --encryption-scope 'Encrypt blobs written with the token under this encryption scope'
            cand --correlation-id 'Sign a correlation id (scid) into the token: storage logs it with every request made with the token. A GUID, or `auto` for a fresh one (shown in json and CI output)'
            cand --content-disposition 'Blob tokens: Get Blob answers with this Content-Disposition (rscd), e.g. ''attachment; filename="report.pdf"'' for a download link with a file name'
            cand --content-type 'Blob tokens: Get Blob answers with this Content-Type (rsct)'
            cand --content-encoding 'Blob tokens: Get Blob answers with this Content-Encoding (rsce)'
            cand --content-language 'Blob tokens: Get Blob answers with this Content-Language (rscl)'
            cand --cache-control 'Blob tokens: Get Blob answers with this Cache-Control (rscc)'
            cand --delegated-user 'Only this Entra user (object id) may use the token, together with a bearer token of their own (sduoid)'
            cand --delegated-user-tenant 'Ask for the delegation key with this tenant (DelegatedUserTid), so a user of another tenant may use the token (skdutid). With --delegation-key, the key must carry it'
            cand --snapshot 'A read token for one snapshot of the blob (sr=bs), e.g. 2025-03-01T12:34:56.1234567Z; the URL carries snapshot='
            cand --version-id 'A read token for one version of the blob (sr=bv); the URL carries versionid='
            cand --require-header 'Bind a request header to the token (srh): every request with it must send exactly this header and value, e.g. ''x-ms-blob-content-type: image/png''. Repeatable'
            cand --require-query 'Bind a query parameter to the token (srq): every request with it must carry exactly NAME=VALUE in its URL. Repeatable'
            cand --delegation-key 'Sign offline with a key saved by `sasmint key` (a file, or - for stdin). No network'
            cand -o 'What to print'
            cand --output 'What to print'
            cand --output-file 'Write the result to this file instead of stdout: a new file with mode 0600, written atomically'
            cand --auth 'How to get an Entra ID token'
            cand --account 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)'
            cand --timeout 'Give up on the network after this many seconds (all retries included)'
            cand --fail-fast 'With several inputs: stop at the first failure (the results before it are already printed; an --output-file is not written)'
            cand --allow-http 'Allow plain http as well as https (spr=https,http). Default: https only'
            cand --directory 'The URL''s path below the container names a directory of a hierarchical-namespace (Data Lake Gen2) account: mint a directory SAS (sr=d) for it and everything below it'
            cand --queue 'The URL names a queue: for an emulator or custom-domain URL, whose host does not say so (https://127.0.0.1:10001/devstoreaccount1/QUEUE). Needs no flag on ACCOUNT.queue.core.windows.net'
            cand --create-only 'A write token that can create blobs but never overwrite one: binds ''If-None-Match: *'' (Put Blob, Put Block List, Copy Blob). Needs c or w'
            cand --verify 'Before printing, use the token once per right it grants, changing no data; exit 4 if the service refuses it'
            cand --force 'With --output-file: replace an existing file (with a new 0600 file, atomically)'
            cand --github-env 'With --output github-actions: write the values to GITHUB_ENV (SAS_TOKEN, SAS_URL …) instead of step outputs in GITHUB_OUTPUT (sas_token, sas_url …)'
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
            cand --delegated-user-tenant 'Ask for a key whose tokens a user of this tenant may use (DelegatedUserTid): saved as signedDelegatedUserTid, signed into tokens as skdutid'
            cand --output-file 'Write the key to this file instead of stdout: a new file with mode 0600, written atomically'
            cand --auth 'How to get an Entra ID token'
            cand --account 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)'
            cand --timeout 'Give up on the network after this many seconds (all retries included)'
            cand --queue 'The URL is a queue endpoint: for an emulator or custom-domain URL, whose host does not say so. Needs no flag on ACCOUNT.queue.core.windows.net'
            cand --force 'With --output-file: replace an existing file (with a new 0600 file, atomically)'
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
        &'sasmint;geocatalog'= {
            cand --geocatalog 'The GeoCatalog endpoint, https://NAME.ID.REGION.geocatalog.spatio.azure.com'
            cand --api-version 'The ingestion-sources API version'
            cand -o 'What to print'
            cand --output 'What to print'
            cand --auth 'How to get an Entra ID token'
            cand --account 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)'
            cand --timeout 'Give up on the network after this many seconds (all retries included)'
            cand -v 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand --verbose 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand register 'Mint a read+list SAS and register it, rotating an existing source for the container'
            cand list 'List the catalog''s ingestion sources'
            cand status 'Every source with its token''s expiry: ok, expiring or expired (exit 8 if any needs attention)'
            cand show 'Show one ingestion source'
            cand delete 'Delete an ingestion source'
            cand identities 'List the managed identities the catalog can use for sources'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sasmint;geocatalog;register'= {
            cand --expires-in 'How long the token lives (at most 7d)'
            cand --managed-identity 'Register a managed-identity source with this object id instead (no SAS)'
            cand --if-expiring-within 'Rotate only when due: change nothing if the source''s token expires later than this from now (`kept`)'
            cand --geocatalog 'The GeoCatalog endpoint, https://NAME.ID.REGION.geocatalog.spatio.azure.com'
            cand --api-version 'The ingestion-sources API version'
            cand -o 'What to print'
            cand --output 'What to print'
            cand --auth 'How to get an Entra ID token'
            cand --account 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)'
            cand --timeout 'Give up on the network after this many seconds (all retries included)'
            cand --verify 'Before registering, use the token once per right it grants (read, list), changing no data; exit 4 and register nothing if the service refuses it'
            cand --github-env 'With --output github-actions: write to GITHUB_ENV (SAS_TOKEN …) instead of step outputs in GITHUB_OUTPUT (sas_token …)'
            cand -v 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand --verbose 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sasmint;geocatalog;list'= {
            cand --geocatalog 'The GeoCatalog endpoint, https://NAME.ID.REGION.geocatalog.spatio.azure.com'
            cand --api-version 'The ingestion-sources API version'
            cand -o 'What to print'
            cand --output 'What to print'
            cand --auth 'How to get an Entra ID token'
            cand --account 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)'
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
        &'sasmint;geocatalog;status'= {
            cand --expiring-within 'Mark a token that expires within this as expiring'
            cand --geocatalog 'The GeoCatalog endpoint, https://NAME.ID.REGION.geocatalog.spatio.azure.com'
            cand --api-version 'The ingestion-sources API version'
            cand -o 'What to print'
            cand --output 'What to print'
            cand --auth 'How to get an Entra ID token'
            cand --account 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)'
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
        &'sasmint;geocatalog;show'= {
            cand --geocatalog 'The GeoCatalog endpoint, https://NAME.ID.REGION.geocatalog.spatio.azure.com'
            cand --api-version 'The ingestion-sources API version'
            cand -o 'What to print'
            cand --output 'What to print'
            cand --auth 'How to get an Entra ID token'
            cand --account 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)'
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
        &'sasmint;geocatalog;delete'= {
            cand --geocatalog 'The GeoCatalog endpoint, https://NAME.ID.REGION.geocatalog.spatio.azure.com'
            cand --api-version 'The ingestion-sources API version'
            cand -o 'What to print'
            cand --output 'What to print'
            cand --auth 'How to get an Entra ID token'
            cand --account 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)'
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
        &'sasmint;geocatalog;identities'= {
            cand --geocatalog 'The GeoCatalog endpoint, https://NAME.ID.REGION.geocatalog.spatio.azure.com'
            cand --api-version 'The ingestion-sources API version'
            cand -o 'What to print'
            cand --output 'What to print'
            cand --auth 'How to get an Entra ID token'
            cand --account 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)'
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
        &'sasmint;geocatalog;help'= {
            cand register 'Mint a read+list SAS and register it, rotating an existing source for the container'
            cand list 'List the catalog''s ingestion sources'
            cand status 'Every source with its token''s expiry: ok, expiring or expired (exit 8 if any needs attention)'
            cand show 'Show one ingestion source'
            cand delete 'Delete an ingestion source'
            cand identities 'List the managed identities the catalog can use for sources'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sasmint;geocatalog;help;register'= {
        }
        &'sasmint;geocatalog;help;list'= {
        }
        &'sasmint;geocatalog;help;status'= {
        }
        &'sasmint;geocatalog;help;show'= {
        }
        &'sasmint;geocatalog;help;delete'= {
        }
        &'sasmint;geocatalog;help;identities'= {
        }
        &'sasmint;geocatalog;help;help'= {
        }
        &'sasmint;ard'= {
            cand --ard-endpoint 'The ARD API base URL'
            cand --account-id 'The ARD account id [default: the signed-in user''s, from /auth/self]'
            cand -o 'What to print'
            cand --output 'What to print'
            cand --auth 'How to get an Entra ID token'
            cand --account 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)'
            cand --timeout 'Give up on the network after this many seconds (all retries included)'
            cand -v 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand --verbose 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand register 'Mint a write-only SAS and register its URL under a credentials id (again = rotate)'
            cand list 'List registered credentials (stored SAS signatures masked)'
            cand show 'Show registered credentials (the stored SAS signature masked)'
            cand delete 'Delete registered credentials (orders already running finish)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sasmint;ard;register'= {
            cand --credentials-id 'The credentials id: letters, digits, ''_'' and ''-'''
            cand --description 'A description stored with the credentials'
            cand --prefix 'The blob prefix orders deliver under (printed in output_config)'
            cand --expires-in 'How long the token lives (at most 7d)'
            cand --ard-endpoint 'The ARD API base URL'
            cand --account-id 'The ARD account id [default: the signed-in user''s, from /auth/self]'
            cand -o 'What to print'
            cand --output 'What to print'
            cand --auth 'How to get an Entra ID token'
            cand --account 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)'
            cand --timeout 'Give up on the network after this many seconds (all retries included)'
            cand --verify 'Before registering, use the token once for its write right (a conditional Put Blob that cannot match), changing no data; exit 4 and register nothing if refused'
            cand -v 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand --verbose 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sasmint;ard;list'= {
            cand --ard-endpoint 'The ARD API base URL'
            cand --account-id 'The ARD account id [default: the signed-in user''s, from /auth/self]'
            cand -o 'What to print'
            cand --output 'What to print'
            cand --auth 'How to get an Entra ID token'
            cand --account 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)'
            cand --timeout 'Give up on the network after this many seconds (all retries included)'
            cand --reveal 'With --output json: print each stored SAS URL as stored, signature included (a secret)'
            cand -v 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand --verbose 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sasmint;ard;show'= {
            cand --ard-endpoint 'The ARD API base URL'
            cand --account-id 'The ARD account id [default: the signed-in user''s, from /auth/self]'
            cand -o 'What to print'
            cand --output 'What to print'
            cand --auth 'How to get an Entra ID token'
            cand --account 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)'
            cand --timeout 'Give up on the network after this many seconds (all retries included)'
            cand --reveal 'Print the stored SAS URL as stored, signature included (a secret)'
            cand -v 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand --verbose 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sasmint;ard;delete'= {
            cand --ard-endpoint 'The ARD API base URL'
            cand --account-id 'The ARD account id [default: the signed-in user''s, from /auth/self]'
            cand -o 'What to print'
            cand --output 'What to print'
            cand --auth 'How to get an Entra ID token'
            cand --account 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)'
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
        &'sasmint;ard;help'= {
            cand register 'Mint a write-only SAS and register its URL under a credentials id (again = rotate)'
            cand list 'List registered credentials (stored SAS signatures masked)'
            cand show 'Show registered credentials (the stored SAS signature masked)'
            cand delete 'Delete registered credentials (orders already running finish)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sasmint;ard;help;register'= {
        }
        &'sasmint;ard;help;list'= {
        }
        &'sasmint;ard;help;show'= {
        }
        &'sasmint;ard;help;delete'= {
        }
        &'sasmint;ard;help;help'= {
        }
        &'sasmint;kusto-uri'= {
            cand --managed-identity 'Use the cluster''s managed identity instead of a SAS: an object id, or `system`'
            cand -o 'What to print'
            cand --output 'What to print'
            cand --expires-in 'How long the token lives: 90m, 8h, 7d (at most 7d), from --start if given, else from now [env: SASMINT_EXPIRES_IN]'
            cand --expiry 'When the token expires, RFC 3339 (2026-05-01T12:00:00Z); at most 7 days ahead'
            cand --start 'When the token starts, RFC 3339 [default: 15 minutes ago, against clock skew]'
            cand --delegation-key 'Sign offline with a key saved by `sasmint key`'
            cand --auth 'How to get an Entra ID token'
            cand --account 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)'
            cand --timeout 'Give up on the network after this many seconds (all retries included)'
            cand --verify 'Before printing, use the SAS once per right it grants (read, and list for a container), changing no data; exit 4 if the service refuses it'
            cand --github-env 'With --output github-actions: write to GITHUB_ENV (KUSTO_URI …) instead of step outputs in GITHUB_OUTPUT (kusto_uri …)'
            cand -v 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand --verbose 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
            cand -q 'Only errors on stderr'
            cand --quiet 'Only errors on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sasmint;revoke-keys'= {
            cand --subscription 'The subscription that holds the account: its resource id is found by listing the subscription''s storage accounts'
            cand --resource-id 'The account''s resource id (/subscriptions/…/resourceGroups/…/providers/Microsoft.Storage/storageAccounts/NAME); no listing needed'
            cand --arm-endpoint 'Azure Resource Manager''s endpoint [default: the blob endpoint''s cloud: management.azure.com, management.chinacloudapi.cn or management.usgovcloudapi.net]'
            cand --arm-audience 'The token audience of that endpoint [default: its cloud''s management audience; for a custom endpoint, the blob endpoint''s cloud''s, else https://management.azure.com]'
            cand -o 'What to print'
            cand --output 'What to print'
            cand --auth 'How to get an Entra ID token'
            cand --account 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)'
            cand --timeout 'Give up on the network after this many seconds (all retries included)'
            cand -y 'Revoke without asking (needed when stdin is not a terminal)'
            cand --yes 'Revoke without asking (needed when stdin is not a terminal)'
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
            cand geocatalog 'Register a container with a GeoCatalog (Planetary Computer Pro) as an ingestion source'
            cand ard 'Register a write-only SAS with Maxar ARD as order-delivery credentials'
            cand kusto-uri 'Print a blob or container URI for Azure Data Explorer (Kusto) ingestion'
            cand revoke-keys 'Incident response: revoke every user delegation key of a storage account'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff): sasmint(1), or a command''s own page, sasmint-COMMAND(1)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sasmint;help;mint'= {
        }
        &'sasmint;help;key'= {
        }
        &'sasmint;help;inspect'= {
        }
        &'sasmint;help;geocatalog'= {
            cand register 'Mint a read+list SAS and register it, rotating an existing source for the container'
            cand list 'List the catalog''s ingestion sources'
            cand status 'Every source with its token''s expiry: ok, expiring or expired (exit 8 if any needs attention)'
            cand show 'Show one ingestion source'
            cand delete 'Delete an ingestion source'
            cand identities 'List the managed identities the catalog can use for sources'
        }
        &'sasmint;help;geocatalog;register'= {
        }
        &'sasmint;help;geocatalog;list'= {
        }
        &'sasmint;help;geocatalog;status'= {
        }
        &'sasmint;help;geocatalog;show'= {
        }
        &'sasmint;help;geocatalog;delete'= {
        }
        &'sasmint;help;geocatalog;identities'= {
        }
        &'sasmint;help;ard'= {
            cand register 'Mint a write-only SAS and register its URL under a credentials id (again = rotate)'
            cand list 'List registered credentials (stored SAS signatures masked)'
            cand show 'Show registered credentials (the stored SAS signature masked)'
            cand delete 'Delete registered credentials (orders already running finish)'
        }
        &'sasmint;help;ard;register'= {
        }
        &'sasmint;help;ard;list'= {
        }
        &'sasmint;help;ard;show'= {
        }
        &'sasmint;help;ard;delete'= {
        }
        &'sasmint;help;kusto-uri'= {
        }
        &'sasmint;help;revoke-keys'= {
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
