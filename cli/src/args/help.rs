//! The long help texts: `charter push --help` (the manifest format),
//! `charter triage --help` (the inputs and the verdicts) and `charter copy
//! --help` (the order of the copy and what stops it).

/// `charter push --help`: what push does and the manifest format.
pub const PUSH_ABOUT: &str = "\
Register every schema of a contracts manifest, or none if any would be refused.

Every contract is checked first: a schema the subject already holds is left
as it is (found by lookup, so re-running a push registers nothing new); any
other is judged by the registry's compatibility endpoint, or by Charter's
engine under the level the manifest asks for when that differs from the
subject's current one. Each reader of a [[consumes]] entry is read and
parsed, its subject must be registered (or be a contract of the manifest),
and a reader the registry holds already is left as it is. If any contract
would be refused, nothing is registered, no level is changed and no reader
is recorded (exit 1). Otherwise each subject's level is set when the
manifest names one the subject does not have, the new schemas are
registered in manifest order, then the readers are recorded (Charter's
registry only). --dry-run stops after the checks and reports what would be
done.

The manifest (TOML; file paths are relative to it):

  [defaults]                        # optional
  compatibility = \"BACKWARD\"        # level for contracts that name none
  type = \"JSON\"                     # else each file's extension decides
  consumer = \"fulfillment\"          # the consumer of [[consumes]] entries
  environment = \"prod\"              # their environment (else \"default\")

  [[contract]]
  subject = \"shared.money\"
  file = \"shared/money.json\"

  [[contract]]
  subject = \"orders.order-placed-value\"
  file = \"orders/order-placed.v2.json\"
  compatibility = \"BACKWARD_TRANSITIVE\"   # optional
  type = \"JSON\"                           # optional
  # Optional. `name` is how the schema refers to the other one (its $ref).
  # `version` is a number, or left out (or \"latest\") for the version this
  # push leaves the subject at: a contract earlier in this manifest, else
  # the latest registered version.
  references = [{ name = \"money.json\", subject = \"shared.money\" }]
  # Optional: the data contract sent with the schema (part of its identity
  # in the registry), each a table or a JSON file. A part left out is
  # carried over from the latest version by the registry.
  metadata = { properties = { owner = \"orders-team\", major_version = \"2\" } }
  rule_set = \"orders/order-placed.rules.json\"   # domainRules, migrationRules, encodingRules

  # The reader this application runs with (a consumer): a schema file, with
  # optional `type` and `references` as above (a reference without a version
  # is the latest registered one), or `version = N`, a registered version of
  # the subject. Optional: consumer, environment, consumer_version.
  [[consumes]]
  subject = \"inventory-value\"
  reader = \"readers/inventory.json\"
  consumer_version = \"1.4.2\"

Unknown keys are errors, so a typo never passes silently.";

/// `charter triage --help`: what triage does, the inputs and the verdicts.
pub const TRIAGE_ABOUT: &str = "\
Triage messages a consumer could not read (a dead-letter queue): which schema
wrote each one, whether it is valid against that schema, whether the
consumer's reader schema can read it, and why not.

Each framed message (magic byte 0, a 4-byte schema id; for Protobuf the
message indexes) is judged against the schema its id names, fetched from the
registry once per id, with the subjects and versions it is registered under
(soft-deleted ones marked). A message without framing is matched against the
registered versions of --subject (or of every subject with --all-subjects),
newest first.

Inputs: a file starting with byte 0 is one framed message; `.ndjson` and
`.jsonl` hold one message per line, as dead-letter records
({\"key\":...,\"value\":...,\"headers\":...} with base64, text or JSON values)
or bare JSON messages; a `.json` file is one record or message (an array:
one per element); any other file is one message of raw bytes; a directory is
every file below it, sorted; `-` is NDJSON on stdin. A line that is not JSON
is reported (corrupt) and the run goes on.

Verdicts: valid, producer_invalid (the producer wrote data its own schema
rejects), consumer_behind (the writer is a later compatible version: upgrade
the consumer), contract_broken (the reader cannot read the writer and it is
no compatible evolution of it: registered under mode NONE or another
subject), corrupt (too short, bad framing, does not decode), unknown_schema
(the registry has no such id), unframed_match, unframed_no_match.

Text output shows a block per message that is not valid (valid ones are
counted), then counts by verdict and by writer schema id and the top
causes. JSON output is {\"messages\": [...], \"summary\": {...}}.

Exit codes for triage: 0 every message valid (or unframed and matching a
registered version), 1 otherwise, 2 usage or input error, 3 the registry
could not be reached or answered an error.";

/// `charter copy --help`: what copy does, in which order, and what it
/// refuses.
pub const COPY_ABOUT: &str = "\
Copy a registry (Confluent, Karapace, Apicurio's ccompat API, Charter) into a
Charter registry through the REST API, every schema keeping its id and every
subject its version numbers.

Everything is read first: the source's subjects (soft-deleted ones too; with
--subjects, those starting with PREFIX and the subjects their schemas
reference), every version with its id, references, metadata and rule set,
and each subject's own config and mode; the target's subjects and versions
likewise. If the target already holds one of the source's ids or subject
versions with other content, nothing is written: the conflicts are listed
(exit 1).

Then each subject that needs writes is put in IMPORT mode, its missing
versions are registered with their ids and versions (referenced versions
first), versions soft-deleted in the source are soft-deleted, and each
subject's config and mode, then the global ones (without --subjects), are
set to the source's. On any failure the modes changed are put back as they
were: the target is never left in IMPORT mode by the copy. Re-running copies
only what is missing, so an interrupted copy is resumed by running it again.

Finally every version and id is read back from both registries and compared;
differences are listed (exit 1). --dry-run prints the plan and writes nothing.";
/// `charter can-i-deploy --help`.
pub const CAN_I_DEPLOY_ABOUT: &str = "Can I deploy? Asked of Charter's registry for one environment, from either side.

A producer (--schema FILE): can every consumer recorded as reading --subject in the environment read data written with this schema?

A consumer (--consumer NAME with --reader FILE or --reader-version N): can this reader read every version deployed to the environment (from the subject-environment's retainedFromVersion on) and the subject's latest version?

The answer is a matrix, consumers x versions, each cell readable (✔) or not (✘), then every breaking change with an example document the writer accepts and the reader cannot read. Exit 0 when deploying is safe, 1 when it is not, 3 when the registry cannot answer.";
