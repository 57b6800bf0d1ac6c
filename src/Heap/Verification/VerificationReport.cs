using System.Globalization;
using System.Text;

namespace HeapNotebook.Heap.Verification;

/// <summary>The verifier's verdict: what it checked, and every problem it found, in words a learner can follow.</summary>
public sealed record VerificationReport(bool UsedReferenceModel, int ObjectsChecked, int ReachableInModel, IReadOnlyList<string> Problems)
{
    public bool Passed => Problems.Count == 0;

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(Passed ? "Verification passed: " : "Verification FAILED: ");
        sb.Append(string.Create(CultureInfo.InvariantCulture, $"{ObjectsChecked:N0} object{(ObjectsChecked == 1 ? "" : "s")} checked"));
        sb.Append(UsedReferenceModel
            ? string.Create(CultureInfo.InvariantCulture, $" against the reference model ({ReachableInModel:N0} reachable)")
            : " for structure only (make the heap with Verify on to compare against the reference model)");
        sb.Append('.');
        foreach (var problem in Problems)
        {
            sb.Append("\n - ").Append(problem);
        }

        return sb.ToString();
    }
}
