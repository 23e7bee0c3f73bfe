#!/usr/bin/env bats
# The ./nn launcher as a newcomer meets it: a fresh clone, its first command, edits, a failed build,
# another Java, missing tools. Run with `bats launcher-tests` (.ci/run does).
#
# To keep full builds few, setup_file builds one fresh clone (two launchers at once, as a lock test)
# and keeps a copy; each test that needs a built clone gets that copy laid anew at the same path
# (Maven's incremental build remembers absolute paths, so the same path keeps rebuilds short).

bats_require_minimum_version 1.5.0

setup_file() {
    REPO="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
    export REPO
    export WORK="$BATS_FILE_TMPDIR/jnn clone"    # where every test's clone lives (a space in a path is no problem)
    export BUILT="$BATS_FILE_TMPDIR/jnn-built"   # the built clone, kept as setup_file left it
    export FIRST="$BATS_FILE_TMPDIR/first-run"   # what the two first launchers printed

    clone "$WORK"
    mkdir -p "$FIRST"
    # A newcomer's first command, twice at once: both must run, one must build, the other wait.
    (cd "$WORK" && ./nn --version >"$FIRST/a.out" 2>"$FIRST/a.err"; echo $? >"$FIRST/a.status") &
    (cd "$WORK" && ./nn --version >"$FIRST/b.out" 2>"$FIRST/b.err"; echo $? >"$FIRST/b.status") &
    wait
    cp -a "$WORK" "$BUILT"
}

# A clone of the repository as it is now: HEAD plus uncommitted changes to tracked files (as
# `git stash create` records them), without anything untracked or ignored (no target/).
clone() {
    local rev
    rev="$(git -C "$REPO" stash create)"
    git clone -q --no-checkout "$REPO" "$1"
    git -C "$1" checkout -q "${rev:-HEAD}"
}

# The built clone, laid anew at $WORK; fails the test if setup_file's build did not succeed.
built_clone() {
    compgen -G "$BUILT/nn-examples/target/nn-examples-*.jar" >/dev/null || {
        echo "the first build failed; see $FIRST" >&2
        return 1
    }
    rm -rf "$WORK"
    cp -a "$BUILT" "$WORK"
    cd "$WORK"
}

fresh_clone() {
    clone "$BATS_TEST_TMPDIR/jnn clone"
    cd "$BATS_TEST_TMPDIR/jnn clone"
}

project_version() {
    sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$REPO/pom.xml"
}

# A folder of links to every program on the PATH except the ones named: a PATH without them.
path_without() {
    local bin="$BATS_TEST_TMPDIR/bin" left_out=" $* " dir file name
    local -a dirs
    IFS=: read -r -a dirs <<<"$PATH"
    mkdir -p "$bin"
    for dir in "${dirs[@]}"; do
        for file in "$dir"/*; do
            name="${file##*/}"
            [[ -x "$file" && ! -e "$bin/$name" && "$left_out" != *" $name "* ]] || continue
            ln -s "$file" "$bin/$name"
        done
    done
    printf '%s\n' "$bin"
}

# A JDK's home whose `java -version` says 25, or nothing.
jdk25() {
    local home
    for home in /usr/lib/jvm/*/; do
        if [[ -x "$home/bin/java" ]] && grep -qs '^JAVA_VERSION="25' "$home/release"; then
            printf '%s\n' "${home%/}"
            return
        fi
    done
}

# A Java home whose java says it is Java 8 and does nothing else.
fake_java8_home() {
    local home="$BATS_TEST_TMPDIR/java8"
    mkdir -p "$home/bin"
    cat >"$home/bin/java" <<'EOF'
#!/bin/sh
echo 'java version "1.8.0_392"' >&2
echo 'Java(TM) SE Runtime Environment (build 1.8.0_392-b08)' >&2
exit 0
EOF
    chmod +x "$home/bin/java"
    printf '%s\n' "$home"
}

# ---- the first run on a fresh clone -----------------------------------------------------------

@test "the first ./nn on a fresh clone builds, then runs the command; stdout holds only its output" {
    built_clone
    local builder
    builder="$(grep -l '^nn: building the project' "$FIRST"/?.err)"
    [ "$(wc -l <<<"$builder")" -eq 1 ]
    [ "$(cat "${builder%.err}.status")" -eq 0 ]
    # stdout is exactly what a run without a build prints
    run --separate-stderr ./nn --version
    [ "$status" -eq 0 ]
    [ "$(cat "${builder%.err}.out")" = "$output" ]
    [ "${lines[0]}" = "nn $(project_version)" ]
    [[ "${lines[1]}" == "Java "* ]]
    # the build showed its progress on stderr, module by module
    grep -Eq '^nn:   \[([0-9]+)/\1\] ' "$builder"   # the last module
    grep -q '^nn: built in ' "$builder"
}

@test "two launchers started at once on a fresh clone: one builds, the other waits and runs" {
    [ "$(cat "$FIRST/a.status")" -eq 0 ]
    [ "$(cat "$FIRST/b.status")" -eq 0 ]
    [ "$(cat "$FIRST/a.out")" = "$(cat "$FIRST/b.out")" ]
    [ "$(grep -l '^nn: building the project' "$FIRST"/?.err | wc -l)" -eq 1 ]
    [ "$(grep -l '^nn: waiting for another ./nn' "$FIRST"/?.err | wc -l)" -eq 1 ]
}

@test "the launcher builds with package, never install, and the lib folder holds every module" {
    built_clone
    grep -q 'BUILD SUCCESS' target/nn-build.log
    [ -z "$(grep 'maven-install-plugin' target/nn-build.log)" ]
    local module
    for module in nn-api nn-core nn-mnist backend-ejml backend-nd4j backend-commons-math; do
        [ -f "nn-examples/target/lib/$module-$(project_version).jar" ]
    done
    run --separate-stderr ./nn backends
    [ "$status" -eq 0 ]
    [[ "$output" == *ejml* && "$output" == *nd4j* && "$output" == *commons-math* ]]
}

@test "nothing changed: ./nn runs without building" {
    built_clone
    run --separate-stderr ./nn --version
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
}

# ---- rebuilding ---------------------------------------------------------------------------------

@test "a source newer than the build is built into the jar before the run" {
    built_clone
    echo 'version=${project.version}-edited' > nn-examples/src/main/resources/org/jnn/cli/version.properties
    run --separate-stderr ./nn --version
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"nn: building the project"* ]]
    [ "${lines[0]}" = "nn $(project_version)-edited" ]
}

@test "a changed pom rebuilds once, not on every run after" {
    built_clone
    touch pom.xml
    run --separate-stderr ./nn --version
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"nn: building the project"* ]]
    run --separate-stderr ./nn --version
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
}

@test "a deleted source rebuilds" {
    built_clone
    rm nn-examples/src/main/resources/simplelogger.properties
    run --separate-stderr ./nn --version
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"nn: building the project"* ]]
}

@test "a failed build: one line naming the error and the log, exit 1, the stale jar not run" {
    built_clone
    echo 'this is not Java' >> nn-examples/src/main/java/org/jnn/cli/NnCommand.java
    run --separate-stderr ./nn --version
    [ "$status" -eq 1 ]
    [ -z "$output" ]
    [[ "${stderr_lines[-1]}" =~ ^nn:\ the\ build\ failed:\ .*NnCommand\.java.*\ see\ Maven\'s\ whole\ output\ in\ (.*)$ ]]
    grep -q 'COMPILATION ERROR' "${BASH_REMATCH[1]}"
    # none of Maven's own output on the terminal: only the launcher's lines
    [ -z "$(grep -v '^nn: ' <<<"$stderr")" ]
    # and the next run tries again rather than taking the old jar as good
    run --separate-stderr ./nn --version
    [ "$status" -eq 1 ]
    [ -z "$output" ]
}

# ---- which Java ---------------------------------------------------------------------------------

@test "JAVA_HOME chooses the Java that runs the command" {
    local home
    home="$(jdk25)"
    [ -n "$home" ] || skip "no JDK 25 under /usr/lib/jvm"
    built_clone
    JAVA_HOME="$home" run --separate-stderr ./nn --version
    [ "$status" -eq 0 ]
    [[ "${lines[1]}" == "Java 25"* ]]
}

@test "JAVA_HOME also chooses the Java that builds" {
    local home
    home="$(jdk25)"
    [ -n "$home" ] || skip "no JDK 25 under /usr/lib/jvm"
    built_clone
    touch pom.xml
    JAVA_HOME="$home" run --separate-stderr ./nn --version
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"nn: building the project"* ]]
    grep -q '^Java version: 25' target/nn-build.log
    [[ "${lines[1]}" == "Java 25"* ]]
}

@test "a JAVA_HOME with a Java older than 17: one line, exit 1, no build" {
    local home
    home="$(fake_java8_home)"
    fresh_clone
    JAVA_HOME="$home" run --separate-stderr ./nn --version
    [ "$status" -eq 1 ]
    [ -z "$output" ]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == "nn: $home/bin/java is Java 8, but jnn needs Java 17 or newer"* ]]
    [ ! -e nn-examples/target ]
}

@test "a java older than 17 on the PATH: one line, exit 1" {
    local home
    home="$(fake_java8_home)"
    fresh_clone
    JAVA_HOME='' PATH="$home/bin:$PATH" run --separate-stderr ./nn --version
    [ "$status" -eq 1 ]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == "nn: $home/bin/java is Java 8, but jnn needs Java 17 or newer"* ]]
}

@test "a JAVA_HOME without bin/java: one line, exit 1" {
    fresh_clone
    JAVA_HOME="$BATS_TEST_TMPDIR/nowhere" run --separate-stderr ./nn --version
    [ "$status" -eq 1 ]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == "nn: JAVA_HOME is $BATS_TEST_TMPDIR/nowhere, which has no bin/java;"* ]]
}

@test "a Java runtime without javac cannot build: one line, exit 1" {
    local home="$BATS_TEST_TMPDIR/jre" real
    real="$(readlink -f "$(command -v java)")"
    mkdir -p "$home/bin"
    printf '#!/bin/sh\nexec %q "$@"\n' "$real" >"$home/bin/java"
    chmod +x "$home/bin/java"
    fresh_clone
    JAVA_HOME="$home" run --separate-stderr ./nn --version
    [ "$status" -eq 1 ]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == "nn: building needs a JDK, but $home/bin has no javac;"* ]]
}

# ---- missing tools ------------------------------------------------------------------------------

@test "no java anywhere: one line, exit 1" {
    local bin
    bin="$(path_without java mvn)"
    fresh_clone
    JAVA_HOME='' PATH="$bin" run --separate-stderr ./nn --version
    [ "$status" -eq 1 ]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == "nn: java was not found"*"install a JDK 17 or newer"* ]]
}

@test "no mvn when a build is needed: one line, exit 1" {
    local bin
    bin="$(path_without mvn)"
    fresh_clone
    PATH="$bin" run --separate-stderr ./nn --version
    [ "$status" -eq 1 ]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == "nn: the project needs building, but mvn is not on the PATH;"* ]]
}

@test "no mvn needed once built" {
    local bin
    bin="$(path_without mvn)"
    built_clone
    PATH="$bin" run --separate-stderr ./nn --version
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "nn $(project_version)" ]
}

# ---- arguments ----------------------------------------------------------------------------------

@test "arguments with spaces and wildcards reach the command intact" {
    built_clone
    local model='a b/c  d *.safetensors'
    run --separate-stderr ./nn predict --model "$model" 'x y.png'
    [ "$status" -ne 0 ]
    [[ "$stderr" == *"$model: no such model file"* ]]
}
