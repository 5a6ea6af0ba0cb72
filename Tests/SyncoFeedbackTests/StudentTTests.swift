import Testing
@testable import SyncoFeedback

/// Table values (e.g. Abramowitz & Stegun table 26.10; any t table).
@Test func studentTQuantilesMatchTables() {
    #expect(abs(StudentT.quantile(0.95, dof: 10) - 1.812461) < 1e-6)
    #expect(abs(StudentT.quantile(0.95, dof: 3) - 2.353363) < 1e-6)
    #expect(abs(StudentT.quantile(0.975, dof: 5) - 2.570582) < 1e-6)
    #expect(abs(StudentT.quantile(0.975, dof: 1) - 12.706205) < 1e-5)
    #expect(abs(StudentT.quantile(0.995, dof: 30) - 2.749996) < 1e-6)
    #expect(abs(StudentT.quantile(0.05, dof: 10) + 1.812461) < 1e-6)
    #expect(abs(StudentT.quantile(0.95, dof: .infinity) - 1.644854) < 1e-6)
    #expect(abs(Normal.quantile(0.975) - 1.959964) < 1e-6)
}

@Test func studentTCdfInvertsQuantile() {
    for nu in [0.7, 2.5, 7.3, 40.0] {
        for p in [0.6, 0.9, 0.99, 0.999] {
            #expect(abs(StudentT.cdf(StudentT.quantile(p, dof: nu), dof: nu) - p) < 1e-10)
        }
    }
    // t_2 has the closed form F(t) = 1/2 + t / (2 sqrt(2 + t²)).
    #expect(abs(StudentT.cdf(1.5, dof: 2) - (0.5 + 1.5 / (2 * (2 + 2.25).squareRoot()))) < 1e-12)
}
