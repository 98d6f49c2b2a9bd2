// SPDX-License-Identifier: MIT
using System.Globalization;
using DmaCosim.Testing;

namespace DmaCosim.Cosim.Tests;

/// <summary>A row of tests/regress/banked-seeds.tsv: a regress seed that once failed, and the RTL shape it failed on.</summary>
/// <param name="Generator">The scenario-generator version the seed belongs to.</param>
/// <param name="DataWidth">DATA_WIDTH of the build it failed on.</param>
/// <param name="AddrWidth">ADDR_WIDTH of the build it failed on.</param>
/// <param name="HasDre">Whether that build had the realigner.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Found">What it found, for the failure message.</param>
public sealed record BankedSeed(int Generator, int DataWidth, int AddrWidth, bool HasDre, ulong Seed, string Found)
{
    /// <summary>The bank: tests/regress/banked-seeds.tsv of the source tree.</summary>
    public static string BankPath => SourceTree.Find("tests/regress/banked-seeds.tsv");

    /// <summary>Every row of the bank; '#' lines are comments.</summary>
    /// <exception cref="FormatException">A row without its six tab-separated columns, or with a column that does not parse.</exception>
    public static IReadOnlyList<BankedSeed> Load(string path)
    {
        var rows = new List<BankedSeed>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var c = line.Split('\t');
            if (c.Length != 6 || c[3] is not ("0" or "1") || c[5].Length == 0)
            {
                throw new FormatException($"{path}:{lineNumber}: expected generator, data_width, addr_width, dre (0/1), seed, found — tab-separated");
            }

            rows.Add(new BankedSeed(int.Parse(c[0], CultureInfo.InvariantCulture), int.Parse(c[1], CultureInfo.InvariantCulture),
                int.Parse(c[2], CultureInfo.InvariantCulture), c[3] == "1", ulong.Parse(c[4], CultureInfo.InvariantCulture), c[5]));
        }

        return rows;
    }
}
