//! `charter check NEW --against OLD...`: the registry's judgement over a
//! history kept in files, so transitive modes can be checked offline.

use anyhow::Result;

use crate::args::CheckArgs;
use crate::exit::Exit;
use crate::input;

/// Runs `charter check` against files.
pub fn run(args: CheckArgs) -> Result<Exit> {
    let candidate = input::load(&args.schema, &args.input)?;
    let history = args
        .against
        .iter()
        .map(|path| input::load(path, &args.input))
        .collect::<Result<Vec<_>>>()?;
    let refs: Vec<&schemas::Schema> = history.iter().collect();
    let report = schemas::check(&candidate, &refs, args.judge.mode, args.judge.policy)?;
    let labels: Vec<String> = args
        .against
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    super::finish(&report, args.output, &args.schema, &labels)
}
