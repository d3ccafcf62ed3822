#!/usr/bin/env bash
# Static checks of a generated Rails 8.1 project, which cannot be installed here (its gems come
# from RubyGems): called as `rails-81.sh <project-dir>`. Inside the Debian root (Ruby 3.3):
#   - `ruby -c` on every Ruby file (*.rb, *.ru, *.rake, Rakefile, Gemfile, bin/* Ruby scripts);
#   - every YAML file parses (after its ERB is evaluated), and every ERB template compiles;
#   - the Gemfile evaluates, and each of its requirements is met by a version listed in
#     e2e/checks/rails-81-gems.txt (versions known to be published);
#   - every framework version in the code (load_defaults, Migration[], Schema[]) is 8.1;
#   - its 7.2 twin (same answers, rails=7.2, generated with the sprout binary; the 7.2 cases run
#     it for real) differs from it only in the files and lines that must differ, and the 8.1
#     project lints clean under the twin's RuboCop config (the omakase rules written out).
set -euo pipefail
project="$(cd "$1" && pwd)"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
if [[ -z "${DEBIAN_ROOT:-}" ]]; then
  eval "$(cd "$repo" && bash e2e/setup/debian-root.sh | grep '^DEBIAN_ROOT=')"
  export DEBIAN_ROOT
fi
cp "$here/rails-81-gems.txt" "$project/tmp/known-gems.txt"
trap 'rm -f "$project/tmp/known-gems.txt" "$project/tmp/static-check.rb"' EXIT
cat > "$project/tmp/static-check.rb" <<'RUBY'
require "erb"
require "yaml"
require "bundler"

failures = []
files = Dir.glob("**/{*.rb,*.ru,*.rake,Rakefile,Gemfile}", File::FNM_DOTMATCH)
files += Dir.glob("bin/*").select { |f| File.read(f, 64).start_with?("#!/usr/bin/env ruby") }
files.reject! { |f| f.start_with?("tmp/", "vendor/", "log/") }
abort "no Ruby files found" if files.size < 20
files.uniq.sort.each do |file|
  RubyVM::InstructionSequence.compile(File.read(file), file)
rescue SyntaxError => e
  failures << "#{file}: #{e.message.lines.first.strip}"
end
puts "ruby syntax: #{files.uniq.size} files"

yamls = Dir.glob("**/*.{yml,yaml}", File::FNM_DOTMATCH).reject { |f| f.start_with?("tmp/") }
yamls.each do |file|
  text = File.read(file)
  # Rails evaluates ERB in its config files (database.yml), not in locales.
  text = ERB.new(text).result if file.start_with?("config/") && !file.start_with?("config/locales/")
  YAML.safe_load(text, aliases: true, permitted_classes: [ Symbol ])
rescue StandardError, SyntaxError => e
  failures << "#{file}: #{e.class}: #{e.message.lines.first.strip}"
end
puts "yaml: #{yamls.size} files"

erbs = Dir.glob("config/**/*.yml").reject { |f| f.start_with?("config/locales/") }
erbs.select! { |f| File.read(f).include?("<%") }
erbs.each do |file|
  RubyVM::InstructionSequence.compile(ERB.new(File.read(file)).src, file)
rescue SyntaxError => e
  failures << "#{file} (ERB): #{e.message.lines.first.strip}"
end
puts "erb: #{erbs.size} files"

known = {}
File.readlines("tmp/known-gems.txt").each do |line|
  next if line.start_with?("#") || line.strip.empty?
  name, *versions = line.split
  known[name] = versions.map { |v| Gem::Version.new(v) }
end
dsl = Bundler::Dsl.new
dsl.eval_gemfile("Gemfile")
deps = dsl.dependencies
deps.each do |dep|
  versions = known[dep.name]
  if versions.nil?
    failures << "Gemfile: #{dep.name} is not in the list of known gems"
  elsif versions.none? { |v| dep.requirement.satisfied_by?(v) }
    failures << "Gemfile: no known version of #{dep.name} meets #{dep.requirement}"
  end
end
puts "gemfile: #{deps.map { |d| "#{d.name} (#{d.requirement})" }.join(", ")}"

versions = Dir.glob("{config,db}/**/*.rb").flat_map do |file|
  File.read(file).scan(/(?:load_defaults |Migration\[|Schema\[)(\d+\.\d+)/).flatten.map { |v| [ file, v ] }
end
abort "no framework version found" if versions.empty?
versions.each { |file, v| failures << "#{file}: Rails #{v}, expected 8.1" unless v == "8.1" }
puts "framework versions: #{versions.map(&:last).uniq.join(", ")}"

if failures.any?
  puts failures
  exit 1
end
puts "static checks: ok"
RUBY
"$repo/e2e/setup/debian-root-run.sh" "$project" "ruby tmp/static-check.rb"

# The 7.2 twin. The sprout binary: SPROUT_BIN, else the repository's release or debug build.
sprout="${SPROUT_BIN:-}"
for candidate in "$repo/target/release/sprout" "$repo/target/debug/sprout"; do
  if [[ -z "$sprout" && -x "$candidate" ]]; then sprout="$candidate"; fi
done
[[ -n "$sprout" ]] || { echo "no sprout binary (cargo build, or set SPROUT_BIN)"; exit 1; }
twin_dir="$(mktemp -d)"
trap 'rm -rf "$twin_dir"; rm -f "$project/tmp/known-gems.txt" "$project/tmp/static-check.rb" "$project/tmp/omakase-7.2.yml"' EXIT
"$sprout" new --answers "$project/.sprout.toml" --set rails=7.2 --yes --no-git -o "$twin_dir" >/dev/null
twin="$(find "$twin_dir" -mindepth 1 -maxdepth 1 -type d)"

# Files allowed to differ, and how many changed lines each may have (diff's < and > lines).
declare -A allowed=(
  [Gemfile]=19 [.rubocop.yml]=140 [README.md]=40 [Dockerfile]=4 [.github/workflows/ci.yml]=4
  [config/application.rb]=2 [config/database.yml]=2 [config/environments/production.rb]=4
  [db/migrate/20260101000000_create_items.rb]=2 [db/schema.rb]=4 [.sprout.toml]=2
  [app/controllers/items_controller.rb]=8 [AGENTS.md]=4
)
# Files only one of the two has: 8.1's tools whose gems Debian does not package, and 7.2's
# work-around for Debian's sqlite3 1.x gem.
declare -A only_one=(
  [./bin/ci]=1 [./bin/brakeman]=1 [./bin/bundler-audit]=1 [./config/ci.rb]=1
  [./config/bundler-audit.yml]=1 [./.ruby-version]=1 [./config/initializers/sqlite_busy_handler.rb]=1
)
status=0
while IFS= read -r file; do
  if [[ "$file" == "only in "* ]]; then
    rest="${file#only in }"
    dir="${rest%%: *}"
    path="${dir#"$project"}"
    path="${path#"$twin"}/${rest#*: }"
    if [[ -n "${only_one[./${path#/}]:-}" ]]; then continue; fi
    echo "$file"; status=1; continue
  fi
  limit="${allowed[$file]:-}"
  if [[ -z "$limit" ]]; then
    echo "differs from the 7.2 twin: $file"; status=1; continue
  fi
  if [[ "$file" == .sprout.toml ]]; then
    # The record's [files] table holds each file's blob id: it differs wherever a file does.
    changed="$(diff <(sed '/^\[files\]/,$d' "$twin/$file") <(sed '/^\[files\]/,$d' "$project/$file") | grep -c '^[<>]' || true)"
  else
    changed="$(diff "$twin/$file" "$project/$file" | grep -c '^[<>]' || true)"
  fi
  if (( changed > limit )); then
    echo "differs from the 7.2 twin in $changed lines (at most $limit): $file"; status=1
  fi
done < <(cd "$project" && diff -rq -x tmp -x log -x Gemfile.lock . "$twin" | sed -n "s|^Files ./\(.*\) and .* differ\$|\1|p"; \
         diff -rq -x tmp -x log "$project" "$twin" | sed -n 's|^Only in \(.*\)|only in \1|p')
echo "7.2 twin: compared"
[[ $status -eq 0 ]] || exit 1

# Debian's RuboCop (1.39) does not know the Ruby 3.4 of the project's .ruby-version: it checks
# the code as Ruby 3.2, the newest it knows.
sed 's/^AllCops:$/AllCops:\n  TargetRubyVersion: 3.2/' "$twin/.rubocop.yml" > "$project/tmp/omakase-7.2.yml"
"$repo/e2e/setup/debian-root-run.sh" "$project" "rubocop --config tmp/omakase-7.2.yml ." \
  || { echo "RuboCop (omakase rules) found offenses"; exit 1; }
echo "ok"
