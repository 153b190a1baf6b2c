# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_sasmint_global_optspecs
    string join \n v/verbose q/quiet h/help V/version
end

function __fish_sasmint_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_sasmint_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_sasmint_using_subcommand
    set -l cmd (__fish_sasmint_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c sasmint -n "__fish_sasmint_needs_command" -s v -l verbose -d 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
complete -c sasmint -n "__fish_sasmint_needs_command" -s q -l quiet -d 'Only errors on stderr'
complete -c sasmint -n "__fish_sasmint_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sasmint -n "__fish_sasmint_needs_command" -s V -l version -d 'Print version'
complete -c sasmint -n "__fish_sasmint_needs_command" -f -a "mint" -d 'Mint a SAS token for a container or blob'
complete -c sasmint -n "__fish_sasmint_needs_command" -f -a "key" -d 'Fetch a user delegation key and print it as JSON (a secret: store it like a password)'
complete -c sasmint -n "__fish_sasmint_needs_command" -f -a "inspect" -d 'Decode a SAS token or URL: what it grants, to what, until when, and its risks'
complete -c sasmint -n "__fish_sasmint_needs_command" -f -a "geocatalog" -d 'Register a container with a GeoCatalog (Planetary Computer Pro) as an ingestion source'
complete -c sasmint -n "__fish_sasmint_needs_command" -f -a "ard" -d 'Register a write-only SAS with Maxar ARD as order-delivery credentials'
complete -c sasmint -n "__fish_sasmint_needs_command" -f -a "kusto-uri" -d 'Print a blob or container URI for Azure Data Explorer (Kusto) ingestion'
complete -c sasmint -n "__fish_sasmint_needs_command" -f -a "revoke-keys" -d 'Incident response: revoke every user delegation key of a storage account'
complete -c sasmint -n "__fish_sasmint_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c sasmint -n "__fish_sasmint_needs_command" -f -a "man" -d 'Print the man page (roff): sasmint(1), or a command\'s own page, sasmint-COMMAND(1)'
complete -c sasmint -n "__fish_sasmint_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l from-file -d 'Read URLs from a file (or - for stdin), one per line; blank lines and # comments skipped' -r -F
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l for -d 'Who will use the token; sets the permissions' -r -f -a "ingest\t'Read and list (rl): a service that ingests from the container'
upload\t'Write only (w): a service that delivers into the container; it cannot read back'
geocatalog\t'Microsoft Planetary Computer Pro ingestion source: read+list, container only'
kusto\t'Azure Data Explorer ingestion: read+list on a container, read on a blob'
cado\t'Cado forensic upload: write only, container only'
maxar-ard\t'Maxar ARD order delivery: write only, container only'
snowflake-load\t'Snowflake external stage for loading: read+list'
snowflake-unload\t'Snowflake external stage for unloading: read, add, create, write, list'
gcs-transfer\t'Google Storage Transfer Service source: read+list, container only'
producer\t'Queue producer: add messages only (a), queue URL only'
consumer\t'Queue consumer: get and delete messages (p), no peeking or updating, queue URL only'"
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -s p -l permissions -d 'Permission letters instead of a preset, in any order (racwdxyltmeopi; for a queue raup: r peek, a add, u update, p process)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l expires-in -d 'How long the token lives: 90m, 8h, 7d (at most 7d), from --start if given, else from now [env: SASMINT_EXPIRES_IN]' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l expiry -d 'When the token expires, RFC 3339 (2026-05-01T12:00:00Z); at most 7 days ahead' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l start -d 'When the token starts, RFC 3339 [default: 15 minutes ago, against clock skew]' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l ip -d 'Only accept requests from this IPv4 address or range (a.b.c.d or a.b.c.d-e.f.g.h)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l encryption-scope -d 'Encrypt blobs written with the token under this encryption scope' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l correlation-id -d 'Sign a correlation id (scid) into the token: storage logs it with every request made with the token. A GUID, or `auto` for a fresh one (shown in json and CI output)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l content-disposition -d 'Blob tokens: Get Blob answers with this Content-Disposition (rscd), e.g. \'attachment; filename="report.pdf"\' for a download link with a file name' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l content-type -d 'Blob tokens: Get Blob answers with this Content-Type (rsct)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l content-encoding -d 'Blob tokens: Get Blob answers with this Content-Encoding (rsce)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l content-language -d 'Blob tokens: Get Blob answers with this Content-Language (rscl)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l cache-control -d 'Blob tokens: Get Blob answers with this Cache-Control (rscc)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l delegated-user -d 'Only this Entra user (object id) may use the token, together with a bearer token of their own (sduoid)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l delegated-user-tenant -d 'Ask for the delegation key with this tenant (DelegatedUserTid), so a user of another tenant may use the token (skdutid). With --delegation-key, the key must carry it' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l snapshot -d 'A read token for one snapshot of the blob (sr=bs), e.g. 2025-03-01T12:34:56.1234567Z; the URL carries snapshot=' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l version-id -d 'A read token for one version of the blob (sr=bv); the URL carries versionid=' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l require-header -d 'Bind a request header to the token (srh): every request with it must send exactly this header and value, e.g. \'x-ms-blob-content-type: image/png\'. Repeatable' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l require-query -d 'Bind a query parameter to the token (srq): every request with it must carry exactly NAME=VALUE in its URL. Repeatable' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l delegation-key -d 'Sign offline with a key saved by `sasmint key` (a file, or - for stdin). No network' -r -F
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -s o -l output -d 'What to print' -r -f -a "token\t'The bare query string, without `?`'
url\t'The container or blob URL with the token'
json\t'One JSON object (the token, the URL, and what the token grants)'
env\t'Shell-safe NAME=\'value\' lines, for `eval` or a .env file'
github-actions\t'GitHub Actions: masks the token, writes step outputs to GITHUB_OUTPUT (or GITHUB_ENV)'
azure-pipelines\t'Azure Pipelines: ##vso[task.setvariable] lines, the token and URL as secrets'"
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l output-file -d 'Write the result to this file instead of stdout: a new file with mode 0600, written atomically' -r -F
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l auth -d 'How to get an Entra ID token' -r -f -a "auto\t'Try, in order: client secret, workload identity, managed identity, Azure Pipelines, Azure CLI, Azure Developer CLI'
azure-cli\t'The account of `az login`'
azd\t'The account of `azd auth login`'
managed-identity\t'A managed identity (App Service/Functions/Container Apps, or an Azure VM via IMDS)'
workload-identity\t'Workload identity federation (AKS, GitHub Actions OIDC): AZURE_FEDERATED_TOKEN_FILE'
client-secret\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
azure-pipelines\t'An Azure Pipelines service connection (AzureCLI@2 / AzurePowerShell tasks)'"
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l account -d 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l timeout -d 'Give up on the network after this many seconds (all retries included)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l fail-fast -d 'With several inputs: stop at the first failure (the results before it are already printed; an --output-file is not written)'
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l allow-http -d 'Allow plain http as well as https (spr=https,http). Default: https only'
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l directory -d 'The URL\'s path below the container names a directory of a hierarchical-namespace (Data Lake Gen2) account: mint a directory SAS (sr=d) for it and everything below it'
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l queue -d 'The URL names a queue: for an emulator or custom-domain URL, whose host does not say so (https://127.0.0.1:10001/devstoreaccount1/QUEUE). Needs no flag on ACCOUNT.queue.core.windows.net'
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l create-only -d 'A write token that can create blobs but never overwrite one: binds \'If-None-Match: *\' (Put Blob, Put Block List, Copy Blob). Needs c or w'
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l verify -d 'Before printing, use the token once per right it grants, changing no data; exit 4 if the service refuses it'
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l force -d 'With --output-file: replace an existing file (with a new 0600 file, atomically)'
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -l github-env -d 'With --output github-actions: write the values to GITHUB_ENV (SAS_TOKEN, SAS_URL …) instead of step outputs in GITHUB_OUTPUT (sas_token, sas_url …)'
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -s v -l verbose -d 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -s q -l quiet -d 'Only errors on stderr'
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sasmint -n "__fish_sasmint_using_subcommand mint" -s V -l version -d 'Print version'
complete -c sasmint -n "__fish_sasmint_using_subcommand key" -l expires-in -d 'How long the key lives: 90m, 8h, 7d (at most 7d; 7d is clamped a few minutes short)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand key" -l delegated-user-tenant -d 'Ask for a key whose tokens a user of this tenant may use (DelegatedUserTid): saved as signedDelegatedUserTid, signed into tokens as skdutid' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand key" -l output-file -d 'Write the key to this file instead of stdout: a new file with mode 0600, written atomically' -r -F
complete -c sasmint -n "__fish_sasmint_using_subcommand key" -l auth -d 'How to get an Entra ID token' -r -f -a "auto\t'Try, in order: client secret, workload identity, managed identity, Azure Pipelines, Azure CLI, Azure Developer CLI'
azure-cli\t'The account of `az login`'
azd\t'The account of `azd auth login`'
managed-identity\t'A managed identity (App Service/Functions/Container Apps, or an Azure VM via IMDS)'
workload-identity\t'Workload identity federation (AKS, GitHub Actions OIDC): AZURE_FEDERATED_TOKEN_FILE'
client-secret\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
azure-pipelines\t'An Azure Pipelines service connection (AzureCLI@2 / AzurePowerShell tasks)'"
complete -c sasmint -n "__fish_sasmint_using_subcommand key" -l account -d 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand key" -l timeout -d 'Give up on the network after this many seconds (all retries included)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand key" -l queue -d 'The URL is a queue endpoint: for an emulator or custom-domain URL, whose host does not say so. Needs no flag on ACCOUNT.queue.core.windows.net'
complete -c sasmint -n "__fish_sasmint_using_subcommand key" -l force -d 'With --output-file: replace an existing file (with a new 0600 file, atomically)'
complete -c sasmint -n "__fish_sasmint_using_subcommand key" -s v -l verbose -d 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
complete -c sasmint -n "__fish_sasmint_using_subcommand key" -s q -l quiet -d 'Only errors on stderr'
complete -c sasmint -n "__fish_sasmint_using_subcommand key" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sasmint -n "__fish_sasmint_using_subcommand key" -s V -l version -d 'Print version'
complete -c sasmint -n "__fish_sasmint_using_subcommand inspect" -s o -l output -d 'What to print' -r -f -a "text\t'Aligned lines for people'
json\t'One JSON object with the decoded fields and `warnings`'"
complete -c sasmint -n "__fish_sasmint_using_subcommand inspect" -s v -l verbose -d 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
complete -c sasmint -n "__fish_sasmint_using_subcommand inspect" -s q -l quiet -d 'Only errors on stderr'
complete -c sasmint -n "__fish_sasmint_using_subcommand inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sasmint -n "__fish_sasmint_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and not __fish_seen_subcommand_from register list status show delete identities help" -l geocatalog -d 'The GeoCatalog endpoint, https://NAME.ID.REGION.geocatalog.spatio.azure.com' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and not __fish_seen_subcommand_from register list status show delete identities help" -l api-version -d 'The ingestion-sources API version' -r -f -a "2026-04-15\t'GA: `/inma/ingestion-sources`, `kind`, client-generated ids'
2025-04-30-preview\t'Preview, same shapes as GA'
2024-01-31-preview\t'Legacy: `/api/ingestion-sources`, `sourceType`, server-assigned ids, bare-array lists'"
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and not __fish_seen_subcommand_from register list status show delete identities help" -s o -l output -d 'What to print' -r -f -a "text\t'Lines for people'
json\t'JSON'
token\t'Only the minted SAS token (register only)'
github-actions\t'GitHub Actions (register only): masks the token, writes step outputs to GITHUB_OUTPUT (or GITHUB_ENV)'
azure-pipelines\t'Azure Pipelines (register only): ##vso[task.setvariable] lines, the token as a secret'"
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and not __fish_seen_subcommand_from register list status show delete identities help" -l auth -d 'How to get an Entra ID token' -r -f -a "auto\t'Try, in order: client secret, workload identity, managed identity, Azure Pipelines, Azure CLI, Azure Developer CLI'
azure-cli\t'The account of `az login`'
azd\t'The account of `azd auth login`'
managed-identity\t'A managed identity (App Service/Functions/Container Apps, or an Azure VM via IMDS)'
workload-identity\t'Workload identity federation (AKS, GitHub Actions OIDC): AZURE_FEDERATED_TOKEN_FILE'
client-secret\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
azure-pipelines\t'An Azure Pipelines service connection (AzureCLI@2 / AzurePowerShell tasks)'"
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and not __fish_seen_subcommand_from register list status show delete identities help" -l account -d 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and not __fish_seen_subcommand_from register list status show delete identities help" -l timeout -d 'Give up on the network after this many seconds (all retries included)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and not __fish_seen_subcommand_from register list status show delete identities help" -s v -l verbose -d 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and not __fish_seen_subcommand_from register list status show delete identities help" -s q -l quiet -d 'Only errors on stderr'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and not __fish_seen_subcommand_from register list status show delete identities help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and not __fish_seen_subcommand_from register list status show delete identities help" -s V -l version -d 'Print version'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and not __fish_seen_subcommand_from register list status show delete identities help" -f -a "register" -d 'Mint a read+list SAS and register it, rotating an existing source for the container'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and not __fish_seen_subcommand_from register list status show delete identities help" -f -a "list" -d 'List the catalog\'s ingestion sources'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and not __fish_seen_subcommand_from register list status show delete identities help" -f -a "status" -d 'Every source with its token\'s expiry: ok, expiring or expired (exit 8 if any needs attention)'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and not __fish_seen_subcommand_from register list status show delete identities help" -f -a "show" -d 'Show one ingestion source'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and not __fish_seen_subcommand_from register list status show delete identities help" -f -a "delete" -d 'Delete an ingestion source'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and not __fish_seen_subcommand_from register list status show delete identities help" -f -a "identities" -d 'List the managed identities the catalog can use for sources'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and not __fish_seen_subcommand_from register list status show delete identities help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from register" -l expires-in -d 'How long the token lives (at most 7d)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from register" -l managed-identity -d 'Register a managed-identity source with this object id instead (no SAS)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from register" -l if-expiring-within -d 'Rotate only when due: change nothing if the source\'s token expires later than this from now (`kept`)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from register" -l geocatalog -d 'The GeoCatalog endpoint, https://NAME.ID.REGION.geocatalog.spatio.azure.com' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from register" -l api-version -d 'The ingestion-sources API version' -r -f -a "2026-04-15\t'GA: `/inma/ingestion-sources`, `kind`, client-generated ids'
2025-04-30-preview\t'Preview, same shapes as GA'
2024-01-31-preview\t'Legacy: `/api/ingestion-sources`, `sourceType`, server-assigned ids, bare-array lists'"
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from register" -s o -l output -d 'What to print' -r -f -a "text\t'Lines for people'
json\t'JSON'
token\t'Only the minted SAS token (register only)'
github-actions\t'GitHub Actions (register only): masks the token, writes step outputs to GITHUB_OUTPUT (or GITHUB_ENV)'
azure-pipelines\t'Azure Pipelines (register only): ##vso[task.setvariable] lines, the token as a secret'"
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from register" -l auth -d 'How to get an Entra ID token' -r -f -a "auto\t'Try, in order: client secret, workload identity, managed identity, Azure Pipelines, Azure CLI, Azure Developer CLI'
azure-cli\t'The account of `az login`'
azd\t'The account of `azd auth login`'
managed-identity\t'A managed identity (App Service/Functions/Container Apps, or an Azure VM via IMDS)'
workload-identity\t'Workload identity federation (AKS, GitHub Actions OIDC): AZURE_FEDERATED_TOKEN_FILE'
client-secret\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
azure-pipelines\t'An Azure Pipelines service connection (AzureCLI@2 / AzurePowerShell tasks)'"
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from register" -l account -d 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from register" -l timeout -d 'Give up on the network after this many seconds (all retries included)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from register" -l verify -d 'Before registering, use the token once per right it grants (read, list), changing no data; exit 4 and register nothing if the service refuses it'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from register" -l github-env -d 'With --output github-actions: write to GITHUB_ENV (SAS_TOKEN …) instead of step outputs in GITHUB_OUTPUT (sas_token …)'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from register" -s v -l verbose -d 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from register" -s q -l quiet -d 'Only errors on stderr'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from register" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from register" -s V -l version -d 'Print version'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from list" -l geocatalog -d 'The GeoCatalog endpoint, https://NAME.ID.REGION.geocatalog.spatio.azure.com' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from list" -l api-version -d 'The ingestion-sources API version' -r -f -a "2026-04-15\t'GA: `/inma/ingestion-sources`, `kind`, client-generated ids'
2025-04-30-preview\t'Preview, same shapes as GA'
2024-01-31-preview\t'Legacy: `/api/ingestion-sources`, `sourceType`, server-assigned ids, bare-array lists'"
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from list" -s o -l output -d 'What to print' -r -f -a "text\t'Lines for people'
json\t'JSON'
token\t'Only the minted SAS token (register only)'
github-actions\t'GitHub Actions (register only): masks the token, writes step outputs to GITHUB_OUTPUT (or GITHUB_ENV)'
azure-pipelines\t'Azure Pipelines (register only): ##vso[task.setvariable] lines, the token as a secret'"
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from list" -l auth -d 'How to get an Entra ID token' -r -f -a "auto\t'Try, in order: client secret, workload identity, managed identity, Azure Pipelines, Azure CLI, Azure Developer CLI'
azure-cli\t'The account of `az login`'
azd\t'The account of `azd auth login`'
managed-identity\t'A managed identity (App Service/Functions/Container Apps, or an Azure VM via IMDS)'
workload-identity\t'Workload identity federation (AKS, GitHub Actions OIDC): AZURE_FEDERATED_TOKEN_FILE'
client-secret\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
azure-pipelines\t'An Azure Pipelines service connection (AzureCLI@2 / AzurePowerShell tasks)'"
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from list" -l account -d 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from list" -l timeout -d 'Give up on the network after this many seconds (all retries included)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only errors on stderr'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from status" -l expiring-within -d 'Mark a token that expires within this as expiring' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from status" -l geocatalog -d 'The GeoCatalog endpoint, https://NAME.ID.REGION.geocatalog.spatio.azure.com' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from status" -l api-version -d 'The ingestion-sources API version' -r -f -a "2026-04-15\t'GA: `/inma/ingestion-sources`, `kind`, client-generated ids'
2025-04-30-preview\t'Preview, same shapes as GA'
2024-01-31-preview\t'Legacy: `/api/ingestion-sources`, `sourceType`, server-assigned ids, bare-array lists'"
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from status" -s o -l output -d 'What to print' -r -f -a "text\t'Lines for people'
json\t'JSON'
token\t'Only the minted SAS token (register only)'
github-actions\t'GitHub Actions (register only): masks the token, writes step outputs to GITHUB_OUTPUT (or GITHUB_ENV)'
azure-pipelines\t'Azure Pipelines (register only): ##vso[task.setvariable] lines, the token as a secret'"
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from status" -l auth -d 'How to get an Entra ID token' -r -f -a "auto\t'Try, in order: client secret, workload identity, managed identity, Azure Pipelines, Azure CLI, Azure Developer CLI'
azure-cli\t'The account of `az login`'
azd\t'The account of `azd auth login`'
managed-identity\t'A managed identity (App Service/Functions/Container Apps, or an Azure VM via IMDS)'
workload-identity\t'Workload identity federation (AKS, GitHub Actions OIDC): AZURE_FEDERATED_TOKEN_FILE'
client-secret\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
azure-pipelines\t'An Azure Pipelines service connection (AzureCLI@2 / AzurePowerShell tasks)'"
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from status" -l account -d 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from status" -l timeout -d 'Give up on the network after this many seconds (all retries included)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Only errors on stderr'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from show" -l geocatalog -d 'The GeoCatalog endpoint, https://NAME.ID.REGION.geocatalog.spatio.azure.com' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from show" -l api-version -d 'The ingestion-sources API version' -r -f -a "2026-04-15\t'GA: `/inma/ingestion-sources`, `kind`, client-generated ids'
2025-04-30-preview\t'Preview, same shapes as GA'
2024-01-31-preview\t'Legacy: `/api/ingestion-sources`, `sourceType`, server-assigned ids, bare-array lists'"
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from show" -s o -l output -d 'What to print' -r -f -a "text\t'Lines for people'
json\t'JSON'
token\t'Only the minted SAS token (register only)'
github-actions\t'GitHub Actions (register only): masks the token, writes step outputs to GITHUB_OUTPUT (or GITHUB_ENV)'
azure-pipelines\t'Azure Pipelines (register only): ##vso[task.setvariable] lines, the token as a secret'"
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from show" -l auth -d 'How to get an Entra ID token' -r -f -a "auto\t'Try, in order: client secret, workload identity, managed identity, Azure Pipelines, Azure CLI, Azure Developer CLI'
azure-cli\t'The account of `az login`'
azd\t'The account of `azd auth login`'
managed-identity\t'A managed identity (App Service/Functions/Container Apps, or an Azure VM via IMDS)'
workload-identity\t'Workload identity federation (AKS, GitHub Actions OIDC): AZURE_FEDERATED_TOKEN_FILE'
client-secret\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
azure-pipelines\t'An Azure Pipelines service connection (AzureCLI@2 / AzurePowerShell tasks)'"
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from show" -l account -d 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from show" -l timeout -d 'Give up on the network after this many seconds (all retries included)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Only errors on stderr'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from delete" -l geocatalog -d 'The GeoCatalog endpoint, https://NAME.ID.REGION.geocatalog.spatio.azure.com' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from delete" -l api-version -d 'The ingestion-sources API version' -r -f -a "2026-04-15\t'GA: `/inma/ingestion-sources`, `kind`, client-generated ids'
2025-04-30-preview\t'Preview, same shapes as GA'
2024-01-31-preview\t'Legacy: `/api/ingestion-sources`, `sourceType`, server-assigned ids, bare-array lists'"
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from delete" -s o -l output -d 'What to print' -r -f -a "text\t'Lines for people'
json\t'JSON'
token\t'Only the minted SAS token (register only)'
github-actions\t'GitHub Actions (register only): masks the token, writes step outputs to GITHUB_OUTPUT (or GITHUB_ENV)'
azure-pipelines\t'Azure Pipelines (register only): ##vso[task.setvariable] lines, the token as a secret'"
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from delete" -l auth -d 'How to get an Entra ID token' -r -f -a "auto\t'Try, in order: client secret, workload identity, managed identity, Azure Pipelines, Azure CLI, Azure Developer CLI'
azure-cli\t'The account of `az login`'
azd\t'The account of `azd auth login`'
managed-identity\t'A managed identity (App Service/Functions/Container Apps, or an Azure VM via IMDS)'
workload-identity\t'Workload identity federation (AKS, GitHub Actions OIDC): AZURE_FEDERATED_TOKEN_FILE'
client-secret\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
azure-pipelines\t'An Azure Pipelines service connection (AzureCLI@2 / AzurePowerShell tasks)'"
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from delete" -l account -d 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from delete" -l timeout -d 'Give up on the network after this many seconds (all retries included)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Only errors on stderr'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from identities" -l geocatalog -d 'The GeoCatalog endpoint, https://NAME.ID.REGION.geocatalog.spatio.azure.com' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from identities" -l api-version -d 'The ingestion-sources API version' -r -f -a "2026-04-15\t'GA: `/inma/ingestion-sources`, `kind`, client-generated ids'
2025-04-30-preview\t'Preview, same shapes as GA'
2024-01-31-preview\t'Legacy: `/api/ingestion-sources`, `sourceType`, server-assigned ids, bare-array lists'"
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from identities" -s o -l output -d 'What to print' -r -f -a "text\t'Lines for people'
json\t'JSON'
token\t'Only the minted SAS token (register only)'
github-actions\t'GitHub Actions (register only): masks the token, writes step outputs to GITHUB_OUTPUT (or GITHUB_ENV)'
azure-pipelines\t'Azure Pipelines (register only): ##vso[task.setvariable] lines, the token as a secret'"
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from identities" -l auth -d 'How to get an Entra ID token' -r -f -a "auto\t'Try, in order: client secret, workload identity, managed identity, Azure Pipelines, Azure CLI, Azure Developer CLI'
azure-cli\t'The account of `az login`'
azd\t'The account of `azd auth login`'
managed-identity\t'A managed identity (App Service/Functions/Container Apps, or an Azure VM via IMDS)'
workload-identity\t'Workload identity federation (AKS, GitHub Actions OIDC): AZURE_FEDERATED_TOKEN_FILE'
client-secret\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
azure-pipelines\t'An Azure Pipelines service connection (AzureCLI@2 / AzurePowerShell tasks)'"
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from identities" -l account -d 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from identities" -l timeout -d 'Give up on the network after this many seconds (all retries included)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from identities" -s v -l verbose -d 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from identities" -s q -l quiet -d 'Only errors on stderr'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from identities" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from identities" -s V -l version -d 'Print version'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from help" -f -a "register" -d 'Mint a read+list SAS and register it, rotating an existing source for the container'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the catalog\'s ingestion sources'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from help" -f -a "status" -d 'Every source with its token\'s expiry: ok, expiring or expired (exit 8 if any needs attention)'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one ingestion source'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete an ingestion source'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from help" -f -a "identities" -d 'List the managed identities the catalog can use for sources'
complete -c sasmint -n "__fish_sasmint_using_subcommand geocatalog; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and not __fish_seen_subcommand_from register list show delete help" -l ard-endpoint -d 'The ARD API base URL' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and not __fish_seen_subcommand_from register list show delete help" -l account-id -d 'The ARD account id [default: the signed-in user\'s, from /auth/self]' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and not __fish_seen_subcommand_from register list show delete help" -s o -l output -d 'What to print' -r -f -a "text\t'Lines for people (`register`: the output_config snippet)'
json\t'JSON'"
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and not __fish_seen_subcommand_from register list show delete help" -l auth -d 'How to get an Entra ID token' -r -f -a "auto\t'Try, in order: client secret, workload identity, managed identity, Azure Pipelines, Azure CLI, Azure Developer CLI'
azure-cli\t'The account of `az login`'
azd\t'The account of `azd auth login`'
managed-identity\t'A managed identity (App Service/Functions/Container Apps, or an Azure VM via IMDS)'
workload-identity\t'Workload identity federation (AKS, GitHub Actions OIDC): AZURE_FEDERATED_TOKEN_FILE'
client-secret\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
azure-pipelines\t'An Azure Pipelines service connection (AzureCLI@2 / AzurePowerShell tasks)'"
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and not __fish_seen_subcommand_from register list show delete help" -l account -d 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and not __fish_seen_subcommand_from register list show delete help" -l timeout -d 'Give up on the network after this many seconds (all retries included)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and not __fish_seen_subcommand_from register list show delete help" -s v -l verbose -d 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and not __fish_seen_subcommand_from register list show delete help" -s q -l quiet -d 'Only errors on stderr'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and not __fish_seen_subcommand_from register list show delete help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and not __fish_seen_subcommand_from register list show delete help" -s V -l version -d 'Print version'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and not __fish_seen_subcommand_from register list show delete help" -f -a "register" -d 'Mint a write-only SAS and register its URL under a credentials id (again = rotate)'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and not __fish_seen_subcommand_from register list show delete help" -f -a "list" -d 'List registered credentials (stored SAS signatures masked)'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and not __fish_seen_subcommand_from register list show delete help" -f -a "show" -d 'Show registered credentials (the stored SAS signature masked)'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and not __fish_seen_subcommand_from register list show delete help" -f -a "delete" -d 'Delete registered credentials (orders already running finish)'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and not __fish_seen_subcommand_from register list show delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from register" -l credentials-id -d 'The credentials id: letters, digits, \'_\' and \'-\'' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from register" -l description -d 'A description stored with the credentials' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from register" -l prefix -d 'The blob prefix orders deliver under (printed in output_config)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from register" -l expires-in -d 'How long the token lives (at most 7d)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from register" -l ard-endpoint -d 'The ARD API base URL' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from register" -l account-id -d 'The ARD account id [default: the signed-in user\'s, from /auth/self]' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from register" -s o -l output -d 'What to print' -r -f -a "text\t'Lines for people (`register`: the output_config snippet)'
json\t'JSON'"
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from register" -l auth -d 'How to get an Entra ID token' -r -f -a "auto\t'Try, in order: client secret, workload identity, managed identity, Azure Pipelines, Azure CLI, Azure Developer CLI'
azure-cli\t'The account of `az login`'
azd\t'The account of `azd auth login`'
managed-identity\t'A managed identity (App Service/Functions/Container Apps, or an Azure VM via IMDS)'
workload-identity\t'Workload identity federation (AKS, GitHub Actions OIDC): AZURE_FEDERATED_TOKEN_FILE'
client-secret\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
azure-pipelines\t'An Azure Pipelines service connection (AzureCLI@2 / AzurePowerShell tasks)'"
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from register" -l account -d 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from register" -l timeout -d 'Give up on the network after this many seconds (all retries included)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from register" -l verify -d 'Before registering, use the token once for its write right (a conditional Put Blob that cannot match), changing no data; exit 4 and register nothing if refused'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from register" -s v -l verbose -d 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from register" -s q -l quiet -d 'Only errors on stderr'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from register" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from register" -s V -l version -d 'Print version'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from list" -l ard-endpoint -d 'The ARD API base URL' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from list" -l account-id -d 'The ARD account id [default: the signed-in user\'s, from /auth/self]' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from list" -s o -l output -d 'What to print' -r -f -a "text\t'Lines for people (`register`: the output_config snippet)'
json\t'JSON'"
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from list" -l auth -d 'How to get an Entra ID token' -r -f -a "auto\t'Try, in order: client secret, workload identity, managed identity, Azure Pipelines, Azure CLI, Azure Developer CLI'
azure-cli\t'The account of `az login`'
azd\t'The account of `azd auth login`'
managed-identity\t'A managed identity (App Service/Functions/Container Apps, or an Azure VM via IMDS)'
workload-identity\t'Workload identity federation (AKS, GitHub Actions OIDC): AZURE_FEDERATED_TOKEN_FILE'
client-secret\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
azure-pipelines\t'An Azure Pipelines service connection (AzureCLI@2 / AzurePowerShell tasks)'"
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from list" -l account -d 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from list" -l timeout -d 'Give up on the network after this many seconds (all retries included)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from list" -l reveal -d 'With --output json: print each stored SAS URL as stored, signature included (a secret)'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only errors on stderr'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from show" -l ard-endpoint -d 'The ARD API base URL' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from show" -l account-id -d 'The ARD account id [default: the signed-in user\'s, from /auth/self]' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from show" -s o -l output -d 'What to print' -r -f -a "text\t'Lines for people (`register`: the output_config snippet)'
json\t'JSON'"
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from show" -l auth -d 'How to get an Entra ID token' -r -f -a "auto\t'Try, in order: client secret, workload identity, managed identity, Azure Pipelines, Azure CLI, Azure Developer CLI'
azure-cli\t'The account of `az login`'
azd\t'The account of `azd auth login`'
managed-identity\t'A managed identity (App Service/Functions/Container Apps, or an Azure VM via IMDS)'
workload-identity\t'Workload identity federation (AKS, GitHub Actions OIDC): AZURE_FEDERATED_TOKEN_FILE'
client-secret\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
azure-pipelines\t'An Azure Pipelines service connection (AzureCLI@2 / AzurePowerShell tasks)'"
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from show" -l account -d 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from show" -l timeout -d 'Give up on the network after this many seconds (all retries included)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from show" -l reveal -d 'Print the stored SAS URL as stored, signature included (a secret)'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Only errors on stderr'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from delete" -l ard-endpoint -d 'The ARD API base URL' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from delete" -l account-id -d 'The ARD account id [default: the signed-in user\'s, from /auth/self]' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from delete" -s o -l output -d 'What to print' -r -f -a "text\t'Lines for people (`register`: the output_config snippet)'
json\t'JSON'"
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from delete" -l auth -d 'How to get an Entra ID token' -r -f -a "auto\t'Try, in order: client secret, workload identity, managed identity, Azure Pipelines, Azure CLI, Azure Developer CLI'
azure-cli\t'The account of `az login`'
azd\t'The account of `azd auth login`'
managed-identity\t'A managed identity (App Service/Functions/Container Apps, or an Azure VM via IMDS)'
workload-identity\t'Workload identity federation (AKS, GitHub Actions OIDC): AZURE_FEDERATED_TOKEN_FILE'
client-secret\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
azure-pipelines\t'An Azure Pipelines service connection (AzureCLI@2 / AzurePowerShell tasks)'"
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from delete" -l account -d 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from delete" -l timeout -d 'Give up on the network after this many seconds (all retries included)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Only errors on stderr'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from help" -f -a "register" -d 'Mint a write-only SAS and register its URL under a credentials id (again = rotate)'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from help" -f -a "list" -d 'List registered credentials (stored SAS signatures masked)'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show registered credentials (the stored SAS signature masked)'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete registered credentials (orders already running finish)'
complete -c sasmint -n "__fish_sasmint_using_subcommand ard; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sasmint -n "__fish_sasmint_using_subcommand kusto-uri" -l managed-identity -d 'Use the cluster\'s managed identity instead of a SAS: an object id, or `system`' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand kusto-uri" -s o -l output -d 'What to print' -r -f -a "uri\t'The URI'
kql\t'A KQL obfuscated string literal, h\'…\', to paste into `.ingest`'
json\t'JSON with the URI and how it authenticates'
github-actions\t'GitHub Actions: masks a SAS URI, writes kusto_uri to GITHUB_OUTPUT (or GITHUB_ENV)'
azure-pipelines\t'Azure Pipelines: ##vso[task.setvariable] lines, a SAS URI as a secret'"
complete -c sasmint -n "__fish_sasmint_using_subcommand kusto-uri" -l expires-in -d 'How long the token lives: 90m, 8h, 7d (at most 7d), from --start if given, else from now [env: SASMINT_EXPIRES_IN]' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand kusto-uri" -l expiry -d 'When the token expires, RFC 3339 (2026-05-01T12:00:00Z); at most 7 days ahead' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand kusto-uri" -l start -d 'When the token starts, RFC 3339 [default: 15 minutes ago, against clock skew]' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand kusto-uri" -l delegation-key -d 'Sign offline with a key saved by `sasmint key`' -r -F
complete -c sasmint -n "__fish_sasmint_using_subcommand kusto-uri" -l auth -d 'How to get an Entra ID token' -r -f -a "auto\t'Try, in order: client secret, workload identity, managed identity, Azure Pipelines, Azure CLI, Azure Developer CLI'
azure-cli\t'The account of `az login`'
azd\t'The account of `azd auth login`'
managed-identity\t'A managed identity (App Service/Functions/Container Apps, or an Azure VM via IMDS)'
workload-identity\t'Workload identity federation (AKS, GitHub Actions OIDC): AZURE_FEDERATED_TOKEN_FILE'
client-secret\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
azure-pipelines\t'An Azure Pipelines service connection (AzureCLI@2 / AzurePowerShell tasks)'"
complete -c sasmint -n "__fish_sasmint_using_subcommand kusto-uri" -l account -d 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand kusto-uri" -l timeout -d 'Give up on the network after this many seconds (all retries included)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand kusto-uri" -l verify -d 'Before printing, use the SAS once per right it grants (read, and list for a container), changing no data; exit 4 if the service refuses it'
complete -c sasmint -n "__fish_sasmint_using_subcommand kusto-uri" -l github-env -d 'With --output github-actions: write to GITHUB_ENV (KUSTO_URI …) instead of step outputs in GITHUB_OUTPUT (kusto_uri …)'
complete -c sasmint -n "__fish_sasmint_using_subcommand kusto-uri" -s v -l verbose -d 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
complete -c sasmint -n "__fish_sasmint_using_subcommand kusto-uri" -s q -l quiet -d 'Only errors on stderr'
complete -c sasmint -n "__fish_sasmint_using_subcommand kusto-uri" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sasmint -n "__fish_sasmint_using_subcommand kusto-uri" -s V -l version -d 'Print version'
complete -c sasmint -n "__fish_sasmint_using_subcommand revoke-keys" -l subscription -d 'The subscription that holds the account: its resource id is found by listing the subscription\'s storage accounts' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand revoke-keys" -l resource-id -d 'The account\'s resource id (/subscriptions/…/resourceGroups/…/providers/Microsoft.Storage/storageAccounts/NAME); no listing needed' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand revoke-keys" -l arm-endpoint -d 'Azure Resource Manager\'s endpoint [default: the blob endpoint\'s cloud: management.azure.com, management.chinacloudapi.cn or management.usgovcloudapi.net]' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand revoke-keys" -l arm-audience -d 'The token audience of that endpoint [default: its cloud\'s management audience; for a custom endpoint, the blob endpoint\'s cloud\'s, else https://management.azure.com]' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand revoke-keys" -s o -l output -d 'What to print' -r -f -a "text\t'One line saying what was revoked'
json\t'{"revoked": true, "account", "resource_id", "completed"}'"
complete -c sasmint -n "__fish_sasmint_using_subcommand revoke-keys" -l auth -d 'How to get an Entra ID token' -r -f -a "auto\t'Try, in order: client secret, workload identity, managed identity, Azure Pipelines, Azure CLI, Azure Developer CLI'
azure-cli\t'The account of `az login`'
azd\t'The account of `azd auth login`'
managed-identity\t'A managed identity (App Service/Functions/Container Apps, or an Azure VM via IMDS)'
workload-identity\t'Workload identity federation (AKS, GitHub Actions OIDC): AZURE_FEDERATED_TOKEN_FILE'
client-secret\t'A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET'
azure-pipelines\t'An Azure Pipelines service connection (AzureCLI@2 / AzurePowerShell tasks)'"
complete -c sasmint -n "__fish_sasmint_using_subcommand revoke-keys" -l account -d 'The storage account name, for a custom domain whose host does not name it (a custom domain gets a storage token only when it is given here, not from SASMINT_ACCOUNT alone)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand revoke-keys" -l timeout -d 'Give up on the network after this many seconds (all retries included)' -r
complete -c sasmint -n "__fish_sasmint_using_subcommand revoke-keys" -s y -l yes -d 'Revoke without asking (needed when stdin is not a terminal)'
complete -c sasmint -n "__fish_sasmint_using_subcommand revoke-keys" -s v -l verbose -d 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
complete -c sasmint -n "__fish_sasmint_using_subcommand revoke-keys" -s q -l quiet -d 'Only errors on stderr'
complete -c sasmint -n "__fish_sasmint_using_subcommand revoke-keys" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sasmint -n "__fish_sasmint_using_subcommand revoke-keys" -s V -l version -d 'Print version'
complete -c sasmint -n "__fish_sasmint_using_subcommand completions" -s v -l verbose -d 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
complete -c sasmint -n "__fish_sasmint_using_subcommand completions" -s q -l quiet -d 'Only errors on stderr'
complete -c sasmint -n "__fish_sasmint_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sasmint -n "__fish_sasmint_using_subcommand completions" -s V -l version -d 'Print version'
complete -c sasmint -n "__fish_sasmint_using_subcommand man" -s v -l verbose -d 'More detail on stderr: -v for progress, -vv for every HTTP request (secrets redacted)'
complete -c sasmint -n "__fish_sasmint_using_subcommand man" -s q -l quiet -d 'Only errors on stderr'
complete -c sasmint -n "__fish_sasmint_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sasmint -n "__fish_sasmint_using_subcommand man" -s V -l version -d 'Print version'
complete -c sasmint -n "__fish_sasmint_using_subcommand help; and not __fish_seen_subcommand_from mint key inspect geocatalog ard kusto-uri revoke-keys completions man help" -f -a "mint" -d 'Mint a SAS token for a container or blob'
complete -c sasmint -n "__fish_sasmint_using_subcommand help; and not __fish_seen_subcommand_from mint key inspect geocatalog ard kusto-uri revoke-keys completions man help" -f -a "key" -d 'Fetch a user delegation key and print it as JSON (a secret: store it like a password)'
complete -c sasmint -n "__fish_sasmint_using_subcommand help; and not __fish_seen_subcommand_from mint key inspect geocatalog ard kusto-uri revoke-keys completions man help" -f -a "inspect" -d 'Decode a SAS token or URL: what it grants, to what, until when, and its risks'
complete -c sasmint -n "__fish_sasmint_using_subcommand help; and not __fish_seen_subcommand_from mint key inspect geocatalog ard kusto-uri revoke-keys completions man help" -f -a "geocatalog" -d 'Register a container with a GeoCatalog (Planetary Computer Pro) as an ingestion source'
complete -c sasmint -n "__fish_sasmint_using_subcommand help; and not __fish_seen_subcommand_from mint key inspect geocatalog ard kusto-uri revoke-keys completions man help" -f -a "ard" -d 'Register a write-only SAS with Maxar ARD as order-delivery credentials'
complete -c sasmint -n "__fish_sasmint_using_subcommand help; and not __fish_seen_subcommand_from mint key inspect geocatalog ard kusto-uri revoke-keys completions man help" -f -a "kusto-uri" -d 'Print a blob or container URI for Azure Data Explorer (Kusto) ingestion'
complete -c sasmint -n "__fish_sasmint_using_subcommand help; and not __fish_seen_subcommand_from mint key inspect geocatalog ard kusto-uri revoke-keys completions man help" -f -a "revoke-keys" -d 'Incident response: revoke every user delegation key of a storage account'
complete -c sasmint -n "__fish_sasmint_using_subcommand help; and not __fish_seen_subcommand_from mint key inspect geocatalog ard kusto-uri revoke-keys completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c sasmint -n "__fish_sasmint_using_subcommand help; and not __fish_seen_subcommand_from mint key inspect geocatalog ard kusto-uri revoke-keys completions man help" -f -a "man" -d 'Print the man page (roff): sasmint(1), or a command\'s own page, sasmint-COMMAND(1)'
complete -c sasmint -n "__fish_sasmint_using_subcommand help; and not __fish_seen_subcommand_from mint key inspect geocatalog ard kusto-uri revoke-keys completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sasmint -n "__fish_sasmint_using_subcommand help; and __fish_seen_subcommand_from geocatalog" -f -a "register" -d 'Mint a read+list SAS and register it, rotating an existing source for the container'
complete -c sasmint -n "__fish_sasmint_using_subcommand help; and __fish_seen_subcommand_from geocatalog" -f -a "list" -d 'List the catalog\'s ingestion sources'
complete -c sasmint -n "__fish_sasmint_using_subcommand help; and __fish_seen_subcommand_from geocatalog" -f -a "status" -d 'Every source with its token\'s expiry: ok, expiring or expired (exit 8 if any needs attention)'
complete -c sasmint -n "__fish_sasmint_using_subcommand help; and __fish_seen_subcommand_from geocatalog" -f -a "show" -d 'Show one ingestion source'
complete -c sasmint -n "__fish_sasmint_using_subcommand help; and __fish_seen_subcommand_from geocatalog" -f -a "delete" -d 'Delete an ingestion source'
complete -c sasmint -n "__fish_sasmint_using_subcommand help; and __fish_seen_subcommand_from geocatalog" -f -a "identities" -d 'List the managed identities the catalog can use for sources'
complete -c sasmint -n "__fish_sasmint_using_subcommand help; and __fish_seen_subcommand_from ard" -f -a "register" -d 'Mint a write-only SAS and register its URL under a credentials id (again = rotate)'
complete -c sasmint -n "__fish_sasmint_using_subcommand help; and __fish_seen_subcommand_from ard" -f -a "list" -d 'List registered credentials (stored SAS signatures masked)'
complete -c sasmint -n "__fish_sasmint_using_subcommand help; and __fish_seen_subcommand_from ard" -f -a "show" -d 'Show registered credentials (the stored SAS signature masked)'
complete -c sasmint -n "__fish_sasmint_using_subcommand help; and __fish_seen_subcommand_from ard" -f -a "delete" -d 'Delete registered credentials (orders already running finish)'
