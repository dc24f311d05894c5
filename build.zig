//! Builds libjsonflat (c/src/*.c + yyjson + mimalloc) with Zig 0.17.
//!
//!   zig build                       host library  -> zig-out/lib/libjsonflat.{so,dylib} / jsonflat.dll
//!   zig build -Dall                 also every target Bun ships -> zig-out/<target>/
//!   zig build -Doptimize=Debug      Debug | ReleaseSafe | ReleaseFast (default) | ReleaseSmall
//!   zig build test                  build and run each c/test/*.c as its own program
//!
//! The vendored sources come from `bash scripts/setup.sh`; nothing here downloads anything.
const std = @import("std");
const builtin = @import("builtin");

// Fail early and readably on the wrong Zig: the build API changes between minor versions, so
// any other version would otherwise fail with errors about this file instead of about the version.
comptime {
    const pinned_text = std.mem.trim(u8, @embedFile(".zig-version"), " \t\r\n");
    const pinned = std.SemanticVersion.parse(pinned_text) catch
        @compileError(".zig-version must hold a version such as 0.17.0");
    const have = builtin.zig_version;
    if (have.major != pinned.major or have.minor != pinned.minor) @compileError(std.fmt.comptimePrint(
        "jsonflat needs Zig {d}.{d}.x (pinned in .zig-version), but this is Zig {d}.{d}.{d}. " ++
            "Run `bash scripts/setup.sh` and use .tools/zig/ziglang/zig.",
        .{ pinned.major, pinned.minor, have.major, have.minor, have.patch },
    ));
}

/// Every platform Bun ships for, with the folder name the platform packages use.
/// glibc and macOS are pinned to old versions so the library loads on old systems too.
const dist_targets = [_]struct { dir: []const u8, triple: []const u8 }{
    .{ .dir = "x86_64-linux-gnu", .triple = "x86_64-linux-gnu.2.17" },
    .{ .dir = "aarch64-linux-gnu", .triple = "aarch64-linux-gnu.2.17" },
    .{ .dir = "x86_64-linux-musl", .triple = "x86_64-linux-musl" },
    .{ .dir = "aarch64-linux-musl", .triple = "aarch64-linux-musl" },
    .{ .dir = "x86_64-macos", .triple = "x86_64-macos.11.0-none" },
    .{ .dir = "aarch64-macos", .triple = "aarch64-macos.11.0-none" },
    .{ .dir = "x86_64-windows-gnu", .triple = "x86_64-windows-gnu" },
};

const vendor_yyjson = "c/vendor/yyjson/yyjson.c";
const vendor_mimalloc = "c/vendor/mimalloc/src/static.c"; // the whole allocator as one unit

const include_dirs = [_][]const u8{ "c/include", "c/src", "c/vendor/yyjson", "c/vendor/mimalloc/include" };

pub fn build(b: *std.Build) void {
    const target = b.standardTargetOptions(.{});
    // Not standardOptimizeOption(.{ .preferred_optimize_mode = ... }): that variant drops
    // -Doptimize, and the scripts and docs use -Doptimize=<mode>. The default is ReleaseFast
    // because the library exists to be fast; `--release=<mode>` is honoured as well.
    const optimize: std.builtin.Optimize = b.option(std.builtin.Optimize, "optimize", "Debug, ReleaseSafe, ReleaseFast (default) or ReleaseSmall") orelse
        switch (b.graph.release_mode) {
            .off, .any, .fast => .fast,
            .safe => .safe,
            .small => .small,
        };
    const all = b.option(bool, "all", "Also build every target Bun ships, into zig-out/<target>/") orelse false;

    const sources = collectSources(b);

    // The vendored sources are fetched by setup.sh; say so instead of failing on a missing file.
    if (missingVendorFile(b)) |missing| {
        const fail = b.addFail(b.fmt("{s} is missing: run `bash scripts/setup.sh` to fetch the pinned vendor sources", .{missing}));
        b.getInstallStep().dependOn(&fail.step);
        b.step("test", "Build and run the native tests in c/test/").dependOn(&fail.step);
        return;
    }

    const nodelete = NoDelete.init(b);

    installLibrary(b, nodelete, target, optimize, sources.lib, .lib);
    if (all) {
        for (dist_targets) |t| {
            const query = std.Target.Query.parse(.{ .arch_os_abi = t.triple }) catch |err|
                std.debug.panic("bad target triple {s}: {t}", .{ t.triple, err });
            installLibrary(b, nodelete, b.resolveTargetQuery(query), optimize, sources.lib, .{ .custom = t.dir });
        }
    }

    addTests(b, target, optimize, sources);
}

const Sources = struct {
    /// c/src/*.c, relative to the build root, sorted.
    lib: []const []const u8,
    /// c/test/*.c, relative to the build root, sorted; each one is a program.
    tests: []const []const u8,
};

/// Globs the folders at configure time; the declared directory dependencies make `zig build`
/// configure again when a file is added, removed or renamed (the configuration is cached).
fn collectSources(b: *std.Build) Sources {
    // c/ itself, so that c/test appearing later (git does not keep empty folders) is noticed.
    b.dependOnDirectoryContents(b.path("c"));
    return .{ .lib = globC(b, "c/src"), .tests = globC(b, "c/test") };
}

fn globC(b: *std.Build, dir_path: []const u8) []const []const u8 {
    const io = b.graph.io;
    const arena = b.graph.arena;
    var files: std.ArrayList([]const u8) = .empty;
    var dir = b.root.openDir(io, dir_path, .{ .iterate = true }) catch |err| switch (err) {
        error.FileNotFound => return &.{},
        else => std.debug.panic("cannot open {s}: {t}", .{ dir_path, err }),
    };
    defer dir.close(io);
    b.dependOnDirectoryContents(b.path(dir_path));
    var it = dir.iterate();
    while (it.next(io) catch |err| std.debug.panic("cannot list {s}: {t}", .{ dir_path, err })) |entry| {
        if (entry.kind == .directory or !std.mem.endsWith(u8, entry.name, ".c")) continue;
        files.append(arena, b.fmt("{s}/{s}", .{ dir_path, entry.name })) catch @panic("OOM");
    }
    std.mem.sort([]const u8, files.items, {}, lessThanString);
    return files.items;
}

fn lessThanString(_: void, a: []const u8, c: []const u8) bool {
    return std.mem.lessThan(u8, a, c);
}

fn missingVendorFile(b: *std.Build) ?[]const u8 {
    for ([_][]const u8{ vendor_yyjson, vendor_mimalloc }) |file| {
        b.root.access(b.graph.io, file, .{}) catch {
            // A missing file cannot be declared as a configure dependency, so do not cache
            // this configuration at all: the next `zig build` looks again.
            b.graph.poisonCache();
            return file;
        };
        b.dependOnFileMetadata(b.path(file));
    }
    return null;
}

/// Compiler flags. Three groups, because they differ in what NDEBUG and sanitizers do to them.
const Flags = struct {
    ours: []const []const u8,
    vendor: []const []const u8,
    tests: []const []const u8,

    fn init(b: *std.Build, target: std.Target, optimize: std.builtin.Optimize) Flags {
        const arena = b.graph.arena;
        var common: std.ArrayList([]const u8) = .empty;
        common.appendSlice(arena, &.{
            "-std=c11",
            "-fvisibility=hidden", // only what is marked JF_API is exported
            "-Dyyjson_api=", // yyjson marks its API visible by default; make it hidden too
            "-DYYJSON_DISABLE_UTILS=1",
            "-fno-strict-aliasing",
        }) catch @panic("OOM");
        if (target.os.tag == .linux) {
            // dlopen-able TLS on glibc and musl (initial-exec TLS can fail to load from a
            // dlopen'ed library). MI_LOCAL_DYNAMIC_TLS is the name of the same choice in
            // mimalloc's CMake; v2's sources do not read it, the -ftls-model flag does the work.
            common.appendSlice(arena, &.{ "-DMI_LOCAL_DYNAMIC_TLS=1", "-ftls-model=local-dynamic" }) catch @panic("OOM");
        }
        // mimalloc: no MI_MALLOC_OVERRIDE (static.c only replaces malloc when it is defined;
        // Bun has its own mimalloc and libc's malloc must stay libc's). Outside Debug, NDEBUG
        // is what turns off mimalloc's debug build (MI_DEBUG=2 with statistics otherwise);
        // MI_SECURE and MI_STAT are spelled out at their release defaults so nothing drifts.
        const mimalloc_release = [_][]const u8{ "-DNDEBUG", "-DMI_DEBUG=0", "-DMI_SECURE=0", "-DMI_STAT=0" };

        var ours: std.ArrayList([]const u8) = .empty;
        ours.appendSlice(arena, common.items) catch @panic("OOM");
        // assert() in our code stays on in Debug and ReleaseSafe.
        if (optimize == .fast or optimize == .small) ours.append(arena, "-DNDEBUG") catch @panic("OOM");

        var vendor: std.ArrayList([]const u8) = .empty;
        vendor.appendSlice(arena, common.items) catch @panic("OOM");
        if (optimize != .debug) vendor.appendSlice(arena, &mimalloc_release) catch @panic("OOM");
        // Zig turns UBSan on for C in Debug and ReleaseSafe; that is for our code. Third-party
        // code is not ours to fix and a trap in it would take Bun down.
        vendor.append(arena, "-fno-sanitize=undefined") catch @panic("OOM");
        // mimalloc prints its build date in verbose mode; Zig rejects __DATE__/__TIME__ because
        // they make builds irreproducible, so give them fixed values.
        vendor.appendSlice(arena, &.{ "-Wno-builtin-macro-redefined", "-D__DATE__=\"n/a\"", "-D__TIME__=\"n/a\"" }) catch @panic("OOM");

        var tests: std.ArrayList([]const u8) = .empty;
        tests.appendSlice(arena, common.items) catch @panic("OOM"); // never NDEBUG: tests assert

        return .{ .ours = ours.items, .vendor = vendor.items, .tests = tests.items };
    }
};

/// Adds the library's sources, include paths and system libraries to a module.
fn addLibrarySources(b: *std.Build, mod: *std.Build.Module, flags: Flags, lib_sources: []const []const u8) void {
    for (include_dirs) |dir| mod.addIncludePath(b.path(dir));
    if (lib_sources.len > 0) mod.addCSourceFiles(.{ .files = lib_sources, .flags = flags.ours });
    mod.addCSourceFiles(.{ .files = &.{ vendor_yyjson, vendor_mimalloc }, .flags = flags.vendor });
}

fn installLibrary(
    b: *std.Build,
    nodelete: *NoDelete,
    target: std.Build.ResolvedTarget,
    optimize: std.builtin.Optimize,
    lib_sources: []const []const u8,
    dest: std.Build.InstallDir,
) void {
    const t = target.result;
    const mod = b.createModule(.{
        .target = target,
        .optimize = optimize,
        .link_libc = true,
        // Symbols stay in Debug and ReleaseSafe builds, where someone is likely debugging.
        .strip = optimize == .fast or optimize == .small,
    });
    addLibrarySources(b, mod, Flags.init(b, t, optimize), lib_sources);

    const lib = b.addLibrary(.{ .name = "jsonflat", .linkage = .dynamic, .root_module = mod });
    // Drop whatever of yyjson and mimalloc no exported function reaches.
    lib.link_function_sections = true;
    lib.link_data_sections = true;
    lib.link_gc_sections = true;

    const file_name = switch (t.os.tag) {
        .windows => "jsonflat.dll",
        .macos => "libjsonflat.dylib",
        else => "libjsonflat.so",
    };
    // The library must never be unloaded (ARCHITECTURE.md): `-z nodelete` on ELF.
    const bin = if (t.ofmt == .elf) nodelete.apply(lib.getEmittedBin(), file_name) else lib.getEmittedBin();
    b.getInstallStep().dependOn(&b.addInstallFileWithDir(bin, dest, file_name).step);
}

/// Sets DF_1_NODELETE on a linked ELF library, as the linker flag `-z nodelete` would.
/// Zig 0.17's build API has no field for that flag, so a small host tool does it after linking
/// (scripts/elf-nodelete.c explains why this is exactly equivalent).
const NoDelete = struct {
    b: *std.Build,
    tool: ?*std.Build.Step.Compile = null,

    fn init(b: *std.Build) *NoDelete {
        const self = b.graph.arena.create(NoDelete) catch @panic("OOM");
        self.* = .{ .b = b };
        return self;
    }

    fn apply(self: *NoDelete, input: std.Build.LazyPath, file_name: []const u8) std.Build.LazyPath {
        const b = self.b;
        const tool = self.tool orelse blk: {
            const mod = b.createModule(.{ .target = b.graph.host, .optimize = .safe, .link_libc = true });
            mod.addCSourceFile(.{ .file = b.path("scripts/elf-nodelete.c"), .flags = &.{"-std=c99"} });
            const exe = b.addExecutable(.{ .name = "elf-nodelete", .root_module = mod });
            self.tool = exe;
            break :blk exe;
        };
        const run = b.addRunArtifact(tool);
        run.addFileArg(input);
        return run.addOutputFileArg(file_name);
    }
};

/// `zig build test`: each c/test/*.c is a program with its own main(), linked against the
/// library's sources (statically, so tests can also reach internal functions), run from the
/// repository root. No tests yet means nothing to do.
fn addTests(b: *std.Build, target: std.Build.ResolvedTarget, optimize: std.builtin.Optimize, sources: Sources) void {
    const test_step = b.step("test", "Build and run the native tests in c/test/");
    if (sources.tests.len == 0) return;

    const flags = Flags.init(b, target.result, optimize);
    const lib_mod = b.createModule(.{ .target = target, .optimize = optimize, .link_libc = true });
    addLibrarySources(b, lib_mod, flags, sources.lib);
    const static_lib = b.addLibrary(.{ .name = "jsonflat-static", .linkage = .static, .root_module = lib_mod });

    for (sources.tests) |file| {
        const mod = b.createModule(.{ .target = target, .optimize = optimize, .link_libc = true });
        for (include_dirs) |dir| mod.addIncludePath(b.path(dir));
        mod.addCSourceFile(.{ .file = b.path(file), .flags = flags.tests });
        mod.linkLibrary(static_lib);
        const exe = b.addExecutable(.{ .name = std.fs.path.stem(file), .root_module = mod });
        const run = b.addRunArtifact(exe);
        run.setCwd(b.path("."));
        run.has_side_effects = true; // tests run every time they are asked for, not once per binary
        test_step.dependOn(&run.step);
    }
}
