// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;
using DmaCosim.Driver;

namespace DmaCosim.Testing.Models;

/// <summary>
/// Seeded random register accesses over the whole AXI-Lite map — every block's first and last offset,
/// random offsets inside each block and gap, random values, soft resets, BTT = 0 starts — each read
/// value and each response (OKAY / DECERR) checked against <see cref="RegisterMapModel"/>, then every
/// offset of every block read once more. Starts and ends with a hardware <c>reset</c>; moves no data,
/// so it needs no memory. A few batches per call (one more per DECERR access: the harness stops a
/// batch at its first error).
/// </summary>
public static class RegisterMapPhase
{
    /// <summary>The phase's name in reports.</summary>
    public const string Name = "register-map";

    /// <summary>Random accesses per call.</summary>
    public const int Accesses = 96;

    /// <summary>Accesses to the DECERR space per call (each ends a batch).</summary>
    public const int DecodeErrors = 4;

    // enough for a soft reset or a BTT = 0 start of an idle engine to finish
    private const ulong SettleCycles = 64;

    /// <summary>Runs the phase.</summary>
    /// <param name="harness">A running harness (its CDMA, cache and monitor are reset).</param>
    /// <param name="seed">The seed: the same seed runs the same accesses.</param>
    /// <param name="ct">Cancels the wait.</param>
    /// <returns>What the phase did.</returns>
    /// <exception cref="PhaseFailureException">A read value or a response differed from the model's.</exception>
    /// <exception cref="SimException">The harness failed.</exception>
    public static async Task<PhaseResult> RunAsync(HarnessProcess harness, ulong seed, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(harness);
        var sim = harness.Client;
        var model = new RegisterMapModel(harness.Hello.Rtl);
        var batch = new PhaseBatch(sim, Name, seed);
        var random = new Random(unchecked((int)(seed ^ (seed >> 32)) ^ 0x5EED_0C));
        var start = await sim.ResetAsync(cancellationToken: ct).ConfigureAwait(false);

        var decodeAt = Enumerable.Range(0, DecodeErrors).Select(_ => random.Next(Accesses)).ToHashSet();
        for (var i = 0; i < Accesses; i++)
        {
            var offset = decodeAt.Contains(i) ? PickUnmapped(random) : PickMapped(random);
            if (random.Next(100) < 45)
            {
                await ReadAsync(batch, model, offset, ct).ConfigureAwait(false);
                continue;
            }

            uint value;
            (offset, value) = Harmless(model, offset, PickValue(random, harness.Hello.Rtl, offset));
            await WriteAsync(batch, model, offset, value, ct).ConfigureAwait(false);
            if (RegisterMapModel.Answers(offset) && random.Next(100) < 60)
            {
                await ReadAsync(batch, model, offset, ct).ConfigureAwait(false);
            }
        }

        // every register, and the edges of every block that answers
        foreach (var offset in RegisterMapModel.Names.Keys.Concat(RegisterMapModel.Blocks
                     .Where(b => b.Block != RegisterBlock.Unmapped).SelectMany(b => new[] { b.First, b.Last })).Distinct().Order())
        {
            await ReadAsync(batch, model, offset, ct).ConfigureAwait(false);
        }

        await batch.FlushAsync(ct).ConfigureAwait(false);
        var end = await sim.ResetAsync(cancellationToken: ct).ConfigureAwait(false);
        return new PhaseResult(Name, seed, batch.RoundTrips + 2, end - start, batch.Checks) { RegisterOffsets = batch.RegisterOffsets.ToHashSet() };
    }

    private static async Task ReadAsync(PhaseBatch batch, RegisterMapModel model, uint offset, CancellationToken ct)
    {
        var what = $"read {RegisterMapModel.NameOf(offset)}";
        if (!RegisterMapModel.Answers(offset))
        {
            await batch.AddFailingAsync(what, PhaseOps.RegRead(offset), SimErrorCode.BusError, "DECERR", ct).ConfigureAwait(false);
            return;
        }

        var expected = model.Read(offset);
        batch.Add(what, PhaseOps.RegRead(offset), reply =>
        {
            var actual = (uint)reply.GetUInt64(Wire.Field.Value);
            if (expected is { } want && want != actual)
            {
                throw batch.Fail($"cycle {reply.GetUInt64(Wire.Field.Cycle)}: {RegisterMapModel.Describe(offset, want, actual)}");
            }
        });
    }

    private static async Task WriteAsync(PhaseBatch batch, RegisterMapModel model, uint offset, uint value, CancellationToken ct)
    {
        var what = $"write {RegisterMapModel.NameOf(offset)} = 0x{value:X8}";
        if (!RegisterMapModel.Answers(offset))
        {
            await batch.AddFailingAsync(what, PhaseOps.RegWrite(offset, value), SimErrorCode.BusError, "DECERR", ct).ConfigureAwait(false);
            return;
        }

        var settles = model.Settles(offset, value);
        model.Write(offset, value);
        batch.Add(what, PhaseOps.RegWrite(offset, value));
        if (settles)
        {
            batch.Add($"run {SettleCycles}", PhaseOps.Run(SettleCycles));
        }
    }

    // a block that answers, weighted to the registers; its first, last or a random offset
    private static uint PickMapped(Random random)
    {
        var roll = random.Next(100);
        if (roll < 80)
        {
            // half of the picks on the PG034 registers, whose behaviour is the richest
            var block = roll < 45 ? RegisterBlock.Cdma : roll < 65 ? RegisterBlock.Extension : RegisterBlock.Monitor;
            var names = RegisterMapModel.Names.Keys.Where(o => RegisterMapModel.BlockOf(o) == block).ToArray();
            return names[random.Next(names.Length)];
        }

        var blocks = RegisterMapModel.Blocks.Where(b => b.Block != RegisterBlock.Unmapped).ToArray();
        return PickIn(random, blocks[random.Next(blocks.Length)]);
    }

    private static uint PickUnmapped(Random random)
    {
        var blocks = RegisterMapModel.Blocks.Where(b => b.Block == RegisterBlock.Unmapped).ToArray();
        return PickIn(random, blocks[random.Next(blocks.Length)]);
    }

    private static uint PickIn(Random random, (RegisterBlock Block, uint First, uint Last) block) => random.Next(3) switch
    {
        0 => block.First,
        1 => block.Last,
        _ => block.First + (4 * (uint)random.NextInt64((block.Last - block.First) / 4 + 1)),
    };

    // a random value that starts no transfer; Reset rarely (a soft reset undoes most of what came before)
    private static uint PickValue(Random random, RtlInfo rtl, uint offset)
    {
        var value = (uint)random.NextInt64(1L << 32);
        switch (offset)
        {
            case CdmaRegisters.CdmacrOffset:
                if (random.Next(100) >= 12)
                {
                    value &= ~(1u << CdmaRegisters.Cr.ResetBit);
                }

                if (random.Next(100) < 15)
                {
                    value &= ~(0xFFu << CdmaRegisters.Cr.IrqThresholdLsb); // IRQThreshold 0 stores 1
                }

                break;
            case CdmaRegisters.CdmasrOffset when random.Next(2) == 0:
                value |= CdmaRegisters.Sr.IrqMask; // clear every interrupt
                break;
            case CdmaRegisters.ExtXferCtrlOffset when random.Next(100) < 50:
                // the clamps' edges: 0 stores 1, the largest legal value, one above it
                value = ((uint)random.Next(4) << CdmaRegisters.Xfer.ModeLsb)
                    | (Edge(random, (uint)rtl.MaxBurst - 1, 0xFF) << CdmaRegisters.Xfer.MaxBurstM1Lsb)
                    | (Edge(random, (uint)rtl.MaxOutstanding, 0xFF) << CdmaRegisters.Xfer.MaxOutLsb);
                break;
            case CdmaRegisters.ExtStealCfgOffset when random.Next(100) < 50:
                value = (Edge(random, (uint)rtl.MaxBurst, 0xFF) << CdmaRegisters.Xfer.StealBeatsLsb)
                    | (Edge(random, 0xFFFF, 0xFFFF) << CdmaRegisters.Xfer.StealIdleLsb);
                break;
            case CdmaRegisters.ExtPerfCtrlOffset:
                value = random.Next(2) == 0 ? 1u << CdmaRegisters.Xfer.PerfClearBit : value;
                break;
            default:
                break;
        }

        return value;
    }

    // 0, 1, the largest legal value, one above it (when the field holds it), the field's largest
    private static uint Edge(Random random, uint largest, uint fieldMax) => random.Next(5) switch
    {
        0 => 0,
        1 => 1,
        2 => Math.Min(largest, fieldMax),
        3 => Math.Min(largest + 1, fieldMax),
        _ => fieldMax,
    };

    // instead of a write that would start a transfer: BTT = 0 in simple mode (an error the model
    // knows), or the other half of TAILDESC
    private static (uint Offset, uint Value) Harmless(RegisterMapModel model, uint offset, uint value) =>
        !model.WouldStart(offset, value) ? (offset, value)
        : offset == CdmaRegisters.BttOffset ? (offset, 0u)
        : (offset == CdmaRegisters.TaildescOffset ? CdmaRegisters.TaildescMsbOffset : CdmaRegisters.TaildescOffset, value);
}
