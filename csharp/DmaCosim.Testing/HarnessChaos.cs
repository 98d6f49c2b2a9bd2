// SPDX-License-Identifier: MIT
using DmaCosim.Bridge;

namespace DmaCosim.Testing;

/// <summary>
/// Random harness deaths for a <see cref="HarnessPool"/> (<c>regress --chaos RATE</c>): each attempt at a work item is,
/// with probability <see cref="Rate"/>, given a SIGKILL of its harness at a random moment within
/// <see cref="MaxDelay"/> of its start (if the item is still running then). The draws are seeded by
/// <see cref="Seed"/>, the item's index and the attempt number, so the same run kills at the same draws. An attempt
/// that chaos killed is thrown away and the item re-run on a fresh harness; the last of
/// <see cref="MaxAttempts"/> attempts is never killed, so every item ends with a real verdict.
/// </summary>
/// <param name="Rate">The probability (0..1) that an attempt is given a kill.</param>
/// <param name="Seed">Seeds the draws.</param>
public sealed record HarnessChaos(double Rate, ulong Seed = 1)
{
    /// <summary>Attempts per item at most; the last one runs undisturbed.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The latest moment after an attempt's start at which its kill fires.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Checks <paramref name="rate"/>: null when it is a probability, else what is wrong with it.</summary>
    /// <param name="rate">The rate given.</param>
    /// <returns>An error message, or null.</returns>
    public static string? Validate(double rate) =>
        rate is >= 0 and <= 1 ? null : $"--chaos {rate.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a probability in 0..1";

    /// <summary>When attempt <paramref name="attempt"/> (from 0) of item <paramref name="index"/> gets its kill, or null for never.</summary>
    /// <param name="index">The item's index.</param>
    /// <param name="attempt">The attempt number.</param>
    /// <returns>The delay after the attempt's start, or null.</returns>
    public TimeSpan? KillAfter(int index, int attempt)
    {
        if (attempt >= MaxAttempts - 1 || Rate <= 0)
        {
            return null;
        }

        var state = Seed ^ ((ulong)(uint)index << 20) ^ (ulong)(uint)attempt;
        var draw = Mix(ref state);
        if ((draw >> 11) * (1.0 / (1UL << 53)) >= Rate)
        {
            return null;
        }

        return TimeSpan.FromTicks((long)(Mix(ref state) % (ulong)Math.Max(1, MaxDelay.Ticks)));
    }

    /// <summary>Arms the kill of one attempt on <paramref name="harness"/>, <paramref name="after"/> from now.</summary>
    /// <param name="harness">The harness the attempt runs on.</param>
    /// <param name="after">When the kill fires.</param>
    /// <returns>The armed kill: dispose it when the attempt ends (a kill that has not fired then never will).</returns>
    internal static ArmedKill Arm(HarnessProcess harness, TimeSpan after) => new(harness, after);

    /// <summary>splitmix64.</summary>
    private static ulong Mix(ref ulong state)
    {
        var z = state += 0x9E37_79B9_7F4A_7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>One attempt's pending SIGKILL.</summary>
internal sealed class ArmedKill : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Timer _timer;
    private bool _disarmed;

    public ArmedKill(HarnessProcess harness, TimeSpan after)
    {
        _timer = new Timer(_ =>
        {
            lock (_lock)
            {
                if (_disarmed)
                {
                    return;
                }

                Fired = true;
                harness.Kill();
            }
        });
        _timer.Change(after, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Whether the kill fired (then the attempt's outcome is thrown away and its harness replaced).</summary>
    public bool Fired { get; private set; }

    public void Dispose()
    {
        lock (_lock)
        {
            _disarmed = true;
        }

        _timer.Dispose();
    }
}
