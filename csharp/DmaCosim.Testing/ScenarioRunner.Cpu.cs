// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Dma;

namespace DmaCosim.Testing;

/// <summary>The CPU side of a scenario with <see cref="CpuActivity"/>: a driver using the Linux DMA API.</summary>
public static partial class ScenarioRunner
{
    /// <summary>
    /// Runs a scenario's <see cref="CpuActivity"/> as a correct Linux driver would: the sources and
    /// destinations are one kmalloc'd region (every copy's ranges lie in it, a page apart); before a copy
    /// is prepared the CPU does its accesses to it, then the driver maps the source ToDevice (clean) and the
    /// destination FromDevice (invalidate) and hands the device the mappings' bus addresses; while the DMA
    /// runs the CPU loads and stores the unrelated region; after completion the driver unmaps everything
    /// (invalidate again) and the CPU loads the destinations it had cached. Every load is checked against the
    /// reference model; a wrong one is recorded as a finding.
    /// </summary>
    private sealed class CpuDriver
    {
        private readonly SimClient _sim;
        private readonly SimCpu _cpu;
        private readonly DmaDevice _device;
        private readonly DmaBuffer _region;
        private readonly Scenario _scenario;
        private readonly CpuActivity _activity;
        private readonly List<string> _findings;
        private readonly List<DmaMapping> _mappings = [];
        private readonly byte[] _unrelated;

        private CpuDriver(HarnessProcess harness, Scenario scenario, DriverMistake mistake, List<string> findings)
        {
            _sim = harness.Client;
            _cpu = new SimCpu(_sim);
            _device = new DmaDevice(_cpu, mistake == DriverMistake.None ? _cpu : new MistakenCache(_cpu, mistake), new DmaDeviceOptions
            {
                HeapBase = ScenarioGenerator.ArenaBase,
                HeapSize = ScenarioGenerator.ArenaEnd - ScenarioGenerator.ArenaBase,
                CoherentBase = ScenarioGenerator.ArenaEnd, // unused, kept clear of the heap
            });
            _region = _device.Allocate((int)(ScenarioGenerator.ArenaEnd - ScenarioGenerator.ArenaBase));
            _scenario = scenario;
            _activity = scenario.Cpu!;
            _findings = findings;
            _unrelated = scenario.InitialUnrelated();
        }

        /// <summary>Creates the driver and writes the unrelated region's initial bytes.</summary>
        public static async Task<CpuDriver> StartAsync(
            HarnessProcess harness, Scenario scenario, DriverMistake mistake, List<string> findings, CancellationToken ct)
        {
            var driver = new CpuDriver(harness, scenario, mistake, findings);
            if (driver._unrelated.Length > 0)
            {
                await harness.Memory.WriteAsync(driver._activity.UnrelatedBase, driver._unrelated, ct).ConfigureAwait(false);
            }

            return driver;
        }

        /// <summary>The CPU's accesses to copy <paramref name="copy"/>, then its two mappings.</summary>
        /// <returns>The bus addresses the device gets.</returns>
        public async Task<(ulong Source, ulong Destination)> MapCopyAsync(int copy, CancellationToken ct)
        {
            for (var i = 0; i < _activity.Actions.Count; i++)
            {
                var action = _activity.Actions[i];
                if (action.Copy != copy)
                {
                    continue;
                }

                if (action.Kind == CpuActionKind.StoreSource)
                {
                    await _device.CpuWriteAsync(_region, Offset(action.Address), _scenario.CpuStoreData(i), ct).ConfigureAwait(false);
                }
                else
                {
                    var seen = await _device.CpuReadAsync(_region, Offset(action.Address), action.Length, ct).ConfigureAwait(false);
                    var fresh = new byte[action.Length];
                    Array.Fill(fresh, Guards.Value); // Guards.PlaceAsync filled the destination too
                    Check(fresh, seen, action.Address, $"destination {copy} (CPU load before the transfer)");
                }
            }

            var range = _scenario.Copies[copy];
            var source = await _device.MapSingleAsync(_region, DmaDirection.ToDevice, Offset(range.Source), (int)range.Length, ct)
                .ConfigureAwait(false);
            _mappings.Add(source);
            var destination = await _device.MapSingleAsync(_region, DmaDirection.FromDevice, Offset(range.Destination), (int)range.Length, ct)
                .ConfigureAwait(false);
            _mappings.Add(destination);
            return (source.DmaAddress, destination.DmaAddress);
        }

        /// <summary>The loads and stores to the unrelated region, checked against the model as they happen.</summary>
        public async Task DuringTransferAsync(CancellationToken ct)
        {
            for (var i = 0; i < _activity.Actions.Count; i++)
            {
                var action = _activity.Actions[i];
                if (!action.DuringTransfer)
                {
                    continue;
                }

                var at = (int)(action.Address - _activity.UnrelatedBase);
                if (action.IsStore)
                {
                    var data = _scenario.CpuStoreData(i);
                    await _cpu.WriteAsync(action.Address, data, cached: true, ct).ConfigureAwait(false);
                    data.CopyTo(_unrelated, at);
                }
                else
                {
                    var seen = await _cpu.ReadAsync(action.Address, action.Length, cached: true, ct).ConfigureAwait(false);
                    Check(_unrelated.AsSpan(at, action.Length), seen, action.Address, $"unrelated region (CPU load {i} during the transfer)");
                }
            }
        }

        /// <summary>
        /// Unmaps every mapping, loads the destinations the CPU had cached (they must hold what the reference
        /// model says), and adds the CPU's stores to what memory must hold: the sources it wrote (cleaned at
        /// map time) and the unrelated region (cleaned here, so memory shows it).
        /// </summary>
        public async Task FinishAsync(ExpectedMemory expected, CancellationToken ct)
        {
            foreach (var mapping in _mappings)
            {
                await _device.UnmapAsync(mapping, mapping.Length, mapping.Direction, ct).ConfigureAwait(false);
            }

            for (var i = 0; i < _activity.Actions.Count; i++)
            {
                var action = _activity.Actions[i];
                if (action.Kind != CpuActionKind.LoadDestination || _scenario.ExpectedDestination(action.Copy) is not { } destination)
                {
                    continue;
                }

                var seen = await _device.CpuReadAsync(_region, Offset(action.Address), action.Length, ct).ConfigureAwait(false);
                var from = (int)(action.Address - _scenario.Copies[action.Copy].Destination);
                Check(destination.AsSpan(from, action.Length), seen, action.Address, $"destination {action.Copy} (CPU load after unmap)");
            }

            foreach (var copy in _activity.Actions.Where(a => a.Kind == CpuActionKind.StoreSource).Select(a => a.Copy).Distinct())
            {
                expected.Expect(_scenario.Copies[copy].Source, _scenario.SourceData(copy), $"source {copy} (with the CPU's stores)");
            }

            if (_unrelated.Length > 0)
            {
                await _sim.CacheAsync(CacheOp.Clean, _activity.UnrelatedBase, (ulong)_unrelated.Length, ct).ConfigureAwait(false);
                expected.Expect(_activity.UnrelatedBase, _unrelated, "unrelated region (CPU stores)");
            }
        }

        private static int Offset(ulong address) => (int)(address - ScenarioGenerator.ArenaBase);

        private void Check(ReadOnlySpan<byte> model, ReadOnlySpan<byte> seen, ulong address, string label)
        {
            if (Scoreboard.Compare(model, seen, address, label) is { } difference)
            {
                _findings.Add($"the CPU loaded wrong bytes: {difference.Report}");
            }
        }
    }

    /// <summary>Cache maintenance with one kind of operation left out (a driver bug, for tests).</summary>
    private sealed class MistakenCache(ICacheMaintenance cache, DriverMistake mistake) : ICacheMaintenance
    {
        public Task CleanAsync(ulong address, ulong length, CancellationToken cancellationToken = default) =>
            mistake == DriverMistake.SkipClean ? Task.CompletedTask : cache.CleanAsync(address, length, cancellationToken);

        public Task InvalidateAsync(ulong address, ulong length, CancellationToken cancellationToken = default) =>
            mistake == DriverMistake.SkipInvalidate ? Task.CompletedTask : cache.InvalidateAsync(address, length, cancellationToken);

        public Task FlushAsync(ulong address, ulong length, CancellationToken cancellationToken = default) =>
            cache.FlushAsync(address, length, cancellationToken);
    }
}
