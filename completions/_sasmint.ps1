
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'sasmint' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'sasmint'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'sasmint' {
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('mint', 'mint', [CompletionResultType]::ParameterValue, 'Mint a SAS token for a container or blob')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Fetch a user delegation key and print it as JSON (a secret: store it like a password)')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Decode a SAS token or URL: what it grants, to what, until when, and its risks')
            [CompletionResult]::new('geocatalog', 'geocatalog', [CompletionResultType]::ParameterValue, 'Register a container with a GeoCatalog (Planetary Computer Pro) as an ingestion source')
            [CompletionResult]::new('ard', 'ard', [CompletionResultType]::ParameterValue, 'Register a write-only SAS with Maxar ARD as order-delivery credentials')
            [CompletionResult]::new('kusto-uri', 'kusto-uri', [CompletionResultType]::ParameterValue, 'Print a blob or container URI for Azure Data Explorer (Kusto) ingestion')
            [CompletionResult]::new('revoke-keys', 'revoke-keys', [CompletionResultType]::ParameterValue, 'Incident response: revoke every user delegation key of a storage account')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff): sasmint(1), or a command''s own page, sasmint-COMMAND(1)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sasmint;mint' {
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read URLs from a file (or - for stdin), one per line; blank lines and # comments skipped')
            [CompletionResult]::new('--for', '--for', [CompletionResultType]::ParameterName, 'Who will use the token; sets the permissions')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Permission letters instead of a preset, in any order (racwdxyltmeopi; for a queue raup: r peek, a add, u update, p process)')
            [CompletionResult]::new('--permissions', '--permissions', [CompletionResultType]::ParameterName, 'Permission letters instead of a preset, in any order (racwdxyltmeopi; for a queue raup: r peek, a add, u update, p process)')
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'How long the token lives: 90m, 8h, 7d (at most 7d), from --start if given, else from now [env: SASMINT_EXPIRES_IN]')
            [CompletionResult]::new('--expiry', '--expiry', [CompletionResultType]::ParameterName, 'When the token expires, RFC 3339 (2026-05-01T12:00:00Z); at most 7 days ahead')
            [CompletionResult]::new('--start', '--start', [CompletionResultType]::ParameterName, 'When the token starts, RFC 3339 [default: 15 minutes ago, against clock skew]')
            [CompletionResult]::new('--ip', '--ip', [CompletionResultType]::ParameterName, 'Only accept requests from this IPv4 address or range (a.b.c.d or a.b.c.d-e.f.g.h)')
            [CompletionResult]::new('--encryption-scope', '--encryption-scope', [CompletionResultType]::ParameterName, 'Encrypt blobs written with the token under this encryption scope')
            [CompletionResult]::new('--correlation-id', '--correlation-id', [CompletionResultType]::ParameterName, 'Sign a correlation id (scid) into the token: storage logs it with every request made with the token. A GUID, or `auto` for a fresh one (shown in json and CI output)')
            [CompletionResult]::new('--content-disposition', '--content-disposition', [CompletionResultType]::ParameterName, 'Blob tokens: Get Blob answers with this Content-Disposition (rscd), e.g. ''attachment; filename="report.pdf"'' for a download link with a file name')
            [CompletionResult]::new('--content-type', '--content-type', [CompletionResultType]::ParameterName, 'Blob tokens: Get Blob answers with this Content-Type (rsct)')
            [CompletionResult]::new('--content-encoding', '--content-encoding', [CompletionResultType]::ParameterName, 'Blob tokens: Get Blob answers with this Content-Encoding (rsce)')
            [CompletionResult]::new('--content-language', '--content-language', [CompletionResultType]::ParameterName, 'Blob tokens: Get Blob answers with this Content-Language (rscl)')
            [CompletionResult]::new('--cache-control', '--cache-control', [CompletionResultType]::ParameterName, 'Blob tokens: Get Blob answers with this Cache-Control (rscc)')
            [CompletionResult]::new('--delegated-user', '--delegated-user', [CompletionResultType]::ParameterName, 'Only this Entra user (object id) may use the token, together with a bearer token of their own (sduoid)')
            [CompletionResult]::new('--delegated-user-tenant', '--delegated-user-tenant', [CompletionResultType]::ParameterName, 'Ask for the delegation key with this tenant (DelegatedUserTid), so a user of another tenant may use the token (skdutid). With --delegation-key, the key must carry it')
            [CompletionResult]::new('--snapshot', '--snapshot', [CompletionResultType]::ParameterName, 'A read token for one snapshot of the blob (sr=bs), e.g. 2025-03-01T12:34:56.1234567Z; the URL carries snapshot=')
            [CompletionResult]::new('--version-id', '--version-id', [CompletionResultType]::ParameterName, 'A read token for one version of the blob (sr=bv); the URL carries versionid=')
            [CompletionResult]::new('--require-header', '--require-header', [CompletionResultType]::ParameterName, 'Bind a request header to the token (srh): every request with it must send exactly this header and value, e.g. ''x-ms-blob-content-type: image/png''. Repeatable')
            [CompletionResult]::new('--require-query', '--require-query', [CompletionResultType]::ParameterName, 'Bind a query parameter to the token (srq): every request with it must carry exactly NAME=VALUE in its URL. Repeatable')
            [CompletionResult]::new('--delegation-key', '--delegation-key', [CompletionResultType]::ParameterName, 'Sign offline with a key saved by `sasmint key` (a file, or - for stdin). No network')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the result to this file instead of stdout: a new file with mode 0600, written atomically')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to get an Entra ID token')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on the network after this many seconds (all retries included)')
            [CompletionResult]::new('--fail-fast', '--fail-fast', [CompletionResultType]::ParameterName, 'With several inputs: stop at the first failure (the results before it are already printed; an --output-file is not written)')
            [CompletionResult]::new('--allow-http', '--allow-http', [CompletionResultType]::ParameterName, 'Allow plain http as well as https (spr=https,http). Default: https only')
            [CompletionResult]::new('--directory', '--directory', [CompletionResultType]::ParameterName, 'The URL''s path below the container names a directory of a hierarchical-namespace (Data Lake Gen2) account: mint a directory SAS (sr=d) for it and everything below it')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The URL names a queue: for an emulator or custom-domain URL, whose host does not say so (https://127.0.0.1:10001/devstoreaccount1/QUEUE). Needs no flag on ACCOUNT.queue.core.windows.net')
            [CompletionResult]::new('--create-only', '--create-only', [CompletionResultType]::ParameterName, 'A write token that can create blobs but never overwrite one: binds ''If-None-Match: *'' (Put Blob, Put Block List, Copy Blob). Needs c or w')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Before printing, use the token once per right it grants, changing no data; exit 4 if the service refuses it')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --output-file: replace an existing file (with a new 0600 file, atomically)')
            [CompletionResult]::new('--github-env', '--github-env', [CompletionResultType]::ParameterName, 'With --output github-actions: write the values to GITHUB_ENV (SAS_TOKEN, SAS_URL …) instead of step outputs in GITHUB_OUTPUT (sas_token, sas_url …)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sasmint;key' {
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'How long the key lives: 90m, 8h, 7d (at most 7d; 7d is clamped a few minutes short)')
            [CompletionResult]::new('--delegated-user-tenant', '--delegated-user-tenant', [CompletionResultType]::ParameterName, 'Ask for a key whose tokens a user of this tenant may use (DelegatedUserTid): saved as signedDelegatedUserTid, signed into tokens as skdutid')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the key to this file instead of stdout: a new file with mode 0600, written atomically')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to get an Entra ID token')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on the network after this many seconds (all retries included)')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'The URL is a queue endpoint: for an emulator or custom-domain URL, whose host does not say so. Needs no flag on ACCOUNT.queue.core.windows.net')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --output-file: replace an existing file (with a new 0600 file, atomically)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sasmint;inspect' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sasmint;geocatalog' {
            [CompletionResult]::new('--geocatalog', '--geocatalog', [CompletionResultType]::ParameterName, 'The GeoCatalog endpoint, https://NAME.ID.REGION.geocatalog.spatio.azure.com')
            [CompletionResult]::new('--api-version', '--api-version', [CompletionResultType]::ParameterName, 'The ingestion-sources API version')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to get an Entra ID token')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on the network after this many seconds (all retries included)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('register', 'register', [CompletionResultType]::ParameterValue, 'Mint a read+list SAS and register it, rotating an existing source for the container')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the catalog''s ingestion sources')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Every source with its token''s expiry: ok, expiring or expired (exit 8 if any needs attention)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one ingestion source')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an ingestion source')
            [CompletionResult]::new('identities', 'identities', [CompletionResultType]::ParameterValue, 'List the managed identities the catalog can use for sources')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sasmint;geocatalog;register' {
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'How long the token lives (at most 7d)')
            [CompletionResult]::new('--managed-identity', '--managed-identity', [CompletionResultType]::ParameterName, 'Register a managed-identity source with this object id instead (no SAS)')
            [CompletionResult]::new('--if-expiring-within', '--if-expiring-within', [CompletionResultType]::ParameterName, 'Rotate only when due: change nothing if the source''s token expires later than this from now (`kept`)')
            [CompletionResult]::new('--geocatalog', '--geocatalog', [CompletionResultType]::ParameterName, 'The GeoCatalog endpoint, https://NAME.ID.REGION.geocatalog.spatio.azure.com')
            [CompletionResult]::new('--api-version', '--api-version', [CompletionResultType]::ParameterName, 'The ingestion-sources API version')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to get an Entra ID token')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on the network after this many seconds (all retries included)')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Before registering, use the token once per right it grants (read, list), changing no data; exit 4 and register nothing if the service refuses it')
            [CompletionResult]::new('--github-env', '--github-env', [CompletionResultType]::ParameterName, 'With --output github-actions: write to GITHUB_ENV (SAS_TOKEN …) instead of step outputs in GITHUB_OUTPUT (sas_token …)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sasmint;geocatalog;list' {
            [CompletionResult]::new('--geocatalog', '--geocatalog', [CompletionResultType]::ParameterName, 'The GeoCatalog endpoint, https://NAME.ID.REGION.geocatalog.spatio.azure.com')
            [CompletionResult]::new('--api-version', '--api-version', [CompletionResultType]::ParameterName, 'The ingestion-sources API version')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to get an Entra ID token')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on the network after this many seconds (all retries included)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sasmint;geocatalog;status' {
            [CompletionResult]::new('--expiring-within', '--expiring-within', [CompletionResultType]::ParameterName, 'Mark a token that expires within this as expiring')
            [CompletionResult]::new('--geocatalog', '--geocatalog', [CompletionResultType]::ParameterName, 'The GeoCatalog endpoint, https://NAME.ID.REGION.geocatalog.spatio.azure.com')
            [CompletionResult]::new('--api-version', '--api-version', [CompletionResultType]::ParameterName, 'The ingestion-sources API version')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to get an Entra ID token')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on the network after this many seconds (all retries included)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sasmint;geocatalog;show' {
            [CompletionResult]::new('--geocatalog', '--geocatalog', [CompletionResultType]::ParameterName, 'The GeoCatalog endpoint, https://NAME.ID.REGION.geocatalog.spatio.azure.com')
            [CompletionResult]::new('--api-version', '--api-version', [CompletionResultType]::ParameterName, 'The ingestion-sources API version')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to get an Entra ID token')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on the network after this many seconds (all retries included)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sasmint;geocatalog;delete' {
            [CompletionResult]::new('--geocatalog', '--geocatalog', [CompletionResultType]::ParameterName, 'The GeoCatalog endpoint, https://NAME.ID.REGION.geocatalog.spatio.azure.com')
            [CompletionResult]::new('--api-version', '--api-version', [CompletionResultType]::ParameterName, 'The ingestion-sources API version')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to get an Entra ID token')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on the network after this many seconds (all retries included)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sasmint;geocatalog;identities' {
            [CompletionResult]::new('--geocatalog', '--geocatalog', [CompletionResultType]::ParameterName, 'The GeoCatalog endpoint, https://NAME.ID.REGION.geocatalog.spatio.azure.com')
            [CompletionResult]::new('--api-version', '--api-version', [CompletionResultType]::ParameterName, 'The ingestion-sources API version')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to get an Entra ID token')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on the network after this many seconds (all retries included)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sasmint;geocatalog;help' {
            [CompletionResult]::new('register', 'register', [CompletionResultType]::ParameterValue, 'Mint a read+list SAS and register it, rotating an existing source for the container')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the catalog''s ingestion sources')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Every source with its token''s expiry: ok, expiring or expired (exit 8 if any needs attention)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one ingestion source')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an ingestion source')
            [CompletionResult]::new('identities', 'identities', [CompletionResultType]::ParameterValue, 'List the managed identities the catalog can use for sources')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sasmint;geocatalog;help;register' {
            break
        }
        'sasmint;geocatalog;help;list' {
            break
        }
        'sasmint;geocatalog;help;status' {
            break
        }
        'sasmint;geocatalog;help;show' {
            break
        }
        'sasmint;geocatalog;help;delete' {
            break
        }
        'sasmint;geocatalog;help;identities' {
            break
        }
        'sasmint;geocatalog;help;help' {
            break
        }
        'sasmint;ard' {
            [CompletionResult]::new('--ard-endpoint', '--ard-endpoint', [CompletionResultType]::ParameterName, 'The ARD API base URL')
            [CompletionResult]::new('--account-id', '--account-id', [CompletionResultType]::ParameterName, 'The ARD account id [default: the signed-in user''s, from /auth/self]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to get an Entra ID token')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on the network after this many seconds (all retries included)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('register', 'register', [CompletionResultType]::ParameterValue, 'Mint a write-only SAS and register its URL under a credentials id (again = rotate)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List registered credentials (stored SAS signatures masked)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show registered credentials (the stored SAS signature masked)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete registered credentials (orders already running finish)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sasmint;ard;register' {
            [CompletionResult]::new('--credentials-id', '--credentials-id', [CompletionResultType]::ParameterName, 'The credentials id: letters, digits, ''_'' and ''-''')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'A description stored with the credentials')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'The blob prefix orders deliver under (printed in output_config)')
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'How long the token lives (at most 7d)')
            [CompletionResult]::new('--ard-endpoint', '--ard-endpoint', [CompletionResultType]::ParameterName, 'The ARD API base URL')
            [CompletionResult]::new('--account-id', '--account-id', [CompletionResultType]::ParameterName, 'The ARD account id [default: the signed-in user''s, from /auth/self]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to get an Entra ID token')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on the network after this many seconds (all retries included)')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Before registering, use the token once for its write right (a conditional Put Blob that cannot match), changing no data; exit 4 and register nothing if refused')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sasmint;ard;list' {
            [CompletionResult]::new('--ard-endpoint', '--ard-endpoint', [CompletionResultType]::ParameterName, 'The ARD API base URL')
            [CompletionResult]::new('--account-id', '--account-id', [CompletionResultType]::ParameterName, 'The ARD account id [default: the signed-in user''s, from /auth/self]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to get an Entra ID token')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on the network after this many seconds (all retries included)')
            [CompletionResult]::new('--reveal', '--reveal', [CompletionResultType]::ParameterName, 'With --output json: print each stored SAS URL as stored, signature included (a secret)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sasmint;ard;show' {
            [CompletionResult]::new('--ard-endpoint', '--ard-endpoint', [CompletionResultType]::ParameterName, 'The ARD API base URL')
            [CompletionResult]::new('--account-id', '--account-id', [CompletionResultType]::ParameterName, 'The ARD account id [default: the signed-in user''s, from /auth/self]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to get an Entra ID token')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on the network after this many seconds (all retries included)')
            [CompletionResult]::new('--reveal', '--reveal', [CompletionResultType]::ParameterName, 'Print the stored SAS URL as stored, signature included (a secret)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sasmint;ard;delete' {
            [CompletionResult]::new('--ard-endpoint', '--ard-endpoint', [CompletionResultType]::ParameterName, 'The ARD API base URL')
            [CompletionResult]::new('--account-id', '--account-id', [CompletionResultType]::ParameterName, 'The ARD account id [default: the signed-in user''s, from /auth/self]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to get an Entra ID token')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on the network after this many seconds (all retries included)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sasmint;ard;help' {
            [CompletionResult]::new('register', 'register', [CompletionResultType]::ParameterValue, 'Mint a write-only SAS and register its URL under a credentials id (again = rotate)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List registered credentials (stored SAS signatures masked)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show registered credentials (the stored SAS signature masked)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete registered credentials (orders already running finish)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sasmint;ard;help;register' {
            break
        }
        'sasmint;ard;help;list' {
            break
        }
        'sasmint;ard;help;show' {
            break
        }
        'sasmint;ard;help;delete' {
            break
        }
        'sasmint;ard;help;help' {
            break
        }
        'sasmint;kusto-uri' {
            [CompletionResult]::new('--managed-identity', '--managed-identity', [CompletionResultType]::ParameterName, 'Use the cluster''s managed identity instead of a SAS: an object id, or `system`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'How long the token lives: 90m, 8h, 7d (at most 7d), from --start if given, else from now [env: SASMINT_EXPIRES_IN]')
            [CompletionResult]::new('--expiry', '--expiry', [CompletionResultType]::ParameterName, 'When the token expires, RFC 3339 (2026-05-01T12:00:00Z); at most 7 days ahead')
            [CompletionResult]::new('--start', '--start', [CompletionResultType]::ParameterName, 'When the token starts, RFC 3339 [default: 15 minutes ago, against clock skew]')
            [CompletionResult]::new('--delegation-key', '--delegation-key', [CompletionResultType]::ParameterName, 'Sign offline with a key saved by `sasmint key`')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to get an Entra ID token')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on the network after this many seconds (all retries included)')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Before printing, use the SAS once per right it grants (read, and list for a container), changing no data; exit 4 if the service refuses it')
            [CompletionResult]::new('--github-env', '--github-env', [CompletionResultType]::ParameterName, 'With --output github-actions: write to GITHUB_ENV (KUSTO_URI …) instead of step outputs in GITHUB_OUTPUT (kusto_uri …)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sasmint;revoke-keys' {
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'The subscription that holds the account: its resource id is found by listing the subscription''s storage accounts')
            [CompletionResult]::new('--resource-id', '--resource-id', [CompletionResultType]::ParameterName, 'The account''s resource id (/subscriptions/…/resourceGroups/…/providers/Microsoft.Storage/storageAccounts/NAME); no listing needed')
            [CompletionResult]::new('--arm-endpoint', '--arm-endpoint', [CompletionResultType]::ParameterName, 'Azure Resource Manager''s endpoint [default: the blob endpoint''s cloud: management.azure.com, management.chinacloudapi.cn or management.usgovcloudapi.net]')
            [CompletionResult]::new('--arm-audience', '--arm-audience', [CompletionResultType]::ParameterName, 'The token audience of that endpoint [default: its cloud''s management audience; for a custom endpoint, the blob endpoint''s cloud''s, else https://management.azure.com]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How to get an Entra ID token')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on the network after this many seconds (all retries included)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Revoke without asking (needed when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Revoke without asking (needed when stdin is not a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sasmint;completions' {
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sasmint;man' {
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sasmint;help' {
            [CompletionResult]::new('mint', 'mint', [CompletionResultType]::ParameterValue, 'Mint a SAS token for a container or blob')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Fetch a user delegation key and print it as JSON (a secret: store it like a password)')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Decode a SAS token or URL: what it grants, to what, until when, and its risks')
            [CompletionResult]::new('geocatalog', 'geocatalog', [CompletionResultType]::ParameterValue, 'Register a container with a GeoCatalog (Planetary Computer Pro) as an ingestion source')
            [CompletionResult]::new('ard', 'ard', [CompletionResultType]::ParameterValue, 'Register a write-only SAS with Maxar ARD as order-delivery credentials')
            [CompletionResult]::new('kusto-uri', 'kusto-uri', [CompletionResultType]::ParameterValue, 'Print a blob or container URI for Azure Data Explorer (Kusto) ingestion')
            [CompletionResult]::new('revoke-keys', 'revoke-keys', [CompletionResultType]::ParameterValue, 'Incident response: revoke every user delegation key of a storage account')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff): sasmint(1), or a command''s own page, sasmint-COMMAND(1)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sasmint;help;mint' {
            break
        }
        'sasmint;help;key' {
            break
        }
        'sasmint;help;inspect' {
            break
        }
        'sasmint;help;geocatalog' {
            [CompletionResult]::new('register', 'register', [CompletionResultType]::ParameterValue, 'Mint a read+list SAS and register it, rotating an existing source for the container')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the catalog''s ingestion sources')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Every source with its token''s expiry: ok, expiring or expired (exit 8 if any needs attention)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one ingestion source')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an ingestion source')
            [CompletionResult]::new('identities', 'identities', [CompletionResultType]::ParameterValue, 'List the managed identities the catalog can use for sources')
            break
        }
        'sasmint;help;geocatalog;register' {
            break
        }
        'sasmint;help;geocatalog;list' {
            break
        }
        'sasmint;help;geocatalog;status' {
            break
        }
        'sasmint;help;geocatalog;show' {
            break
        }
        'sasmint;help;geocatalog;delete' {
            break
        }
        'sasmint;help;geocatalog;identities' {
            break
        }
        'sasmint;help;ard' {
            [CompletionResult]::new('register', 'register', [CompletionResultType]::ParameterValue, 'Mint a write-only SAS and register its URL under a credentials id (again = rotate)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List registered credentials (stored SAS signatures masked)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show registered credentials (the stored SAS signature masked)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete registered credentials (orders already running finish)')
            break
        }
        'sasmint;help;ard;register' {
            break
        }
        'sasmint;help;ard;list' {
            break
        }
        'sasmint;help;ard;show' {
            break
        }
        'sasmint;help;ard;delete' {
            break
        }
        'sasmint;help;kusto-uri' {
            break
        }
        'sasmint;help;revoke-keys' {
            break
        }
        'sasmint;help;completions' {
            break
        }
        'sasmint;help;man' {
            break
        }
        'sasmint;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
