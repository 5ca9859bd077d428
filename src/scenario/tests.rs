//! Checks of whole scenarios: shifts, opening hours, volumes, limits.

use crate::scenario::{DAY, Scenario};

fn scenario(horizon: &str, channel_extra: &str, agents: &str) -> Result<Scenario, String> {
    let text = format!(
        r#"
name = "t"
horizon = "{horizon}"
interval = "30m"
start_day = "fri"
[[channel]]
name = "phone"
kind = "voice"
service_level = {{ target = 0.8, within = "20s" }}
handle_time = {{ dist = "exponential", mean = "4m" }}
{channel_extra}
[[agents]]
name = "team"
skills = ["phone"]
{agents}
"#
    );
    Scenario::from_toml(&text, "t.toml").map_err(|e| e.to_string())
}

const ALL_DAY: &str = "arrivals = { per_hour = 60 }";

#[test]
fn shifts_breaks_days_and_overnight() {
    let s = scenario(
        "3d",
        ALL_DAY,
        r#"
[[agents.shift]]
start = "08:00"
end = "16:00"
count = 5
days = ["fri", "sat"]
breaks = [{ start = "12:00", length = "30m" }]
[[agents.shift]]
start = "22:00"
end = "06:00"
count = 2
days = ["sun", "fri"]
"#,
    )
    .unwrap();
    let st = &s.groups[0].headcount;
    let h = 3600.0;
    // Friday (day 0): 5 from 08:00, 0 at the 12:00 break, back at 12:30, off at 16:00.
    assert_eq!(st.at(7.9 * h), 0);
    assert_eq!(st.at(8.0 * h), 5);
    assert_eq!(st.at(12.0 * h), 0);
    assert_eq!(st.at(12.5 * h), 5);
    assert_eq!(st.at(16.0 * h), 0);
    // Friday night shift runs into Saturday 06:00, overlapping nothing.
    assert_eq!(st.at(23.0 * h), 2);
    assert_eq!(st.at(DAY + 5.0 * h), 2);
    assert_eq!(st.at(DAY + 6.0 * h), 0);
    assert_eq!(st.at(DAY + 9.0 * h), 5, "Saturday day shift");
    // Sunday (day 2): only the night shift from 22:00.
    assert_eq!(st.at(2.0 * DAY + 9.0 * h), 0);
    assert_eq!(st.at(2.0 * DAY + 22.5 * h), 2);
    assert!((st.agent_seconds(0.0, DAY) - (5.0 * 7.5 * h + 2.0 * 2.0 * h)).abs() < 1e-6);
}

#[test]
fn double_counting_is_refused() {
    let overlap = scenario(
        "1d",
        ALL_DAY,
        r#"
[[agents.shift]]
start = "08:00"
end = "16:00"
people = ["ana", "ben"]
[[agents.shift]]
start = "12:00"
end = "20:00"
people = ["cy", "ana"]
"#,
    )
    .unwrap_err();
    assert!(overlap.contains("agents[0].shift[1].people") && overlap.contains("`ana`"), "{overlap}");
    let both = scenario("1d", ALL_DAY, "staff = 3\n[[agents.shift]]\nstart = \"08:00\"\nend = \"16:00\"\ncount = 2")
        .unwrap_err();
    assert!(both.contains("counted twice"), "{both}");
    let breaks = scenario(
            "1d",
            ALL_DAY,
            "[[agents.shift]]\nstart = \"08:00\"\nend = \"16:00\"\ncount = 2\nbreaks = [{ start = \"12:00\", length = \"1h\" }, { start = \"12:30\", length = \"30m\" }]",
        )
        .unwrap_err();
    assert!(breaks.contains("overlaps the break"), "{breaks}");
    let outside =
            scenario("1d", ALL_DAY, "[[agents.shift]]\nstart = \"08:00\"\nend = \"16:00\"\ncount = 2\nbreaks = [{ start = \"17:00\", length = \"30m\" }]")
                .unwrap_err();
    assert!(outside.contains("does not lie inside the shift"), "{outside}");
}

#[test]
fn daily_volume_profile_and_day_factors() {
    // Friday start: factors fri 1, sat 2, sun 0. Profile puts a quarter of the day in
    // 09:00–09:30 and three quarters in 10:00–10:30.
    let mut profile = vec!["0"; 48];
    profile[18] = "1";
    profile[20] = "3";
    let s = scenario(
        "3d",
        &format!(
            "arrivals = {{ per_day = 400, day_factors = {{ sat = 2, sun = 0 }}, profile = [{}] }}",
            profile.join(", ")
        ),
        "staff = 3",
    )
    .unwrap();
    let r = &s.channels[0].arrivals;
    let h = 3600.0;
    assert!((r.expected(9.0 * h, 9.5 * h) - 100.0).abs() < 1e-9);
    assert!((r.expected(10.0 * h, 10.5 * h) - 300.0).abs() < 1e-9);
    assert!((r.expected(DAY, 2.0 * DAY) - 800.0).abs() < 1e-9);
    assert_eq!(r.expected(2.0 * DAY, 3.0 * DAY), 0.0);
}

/// A day cut short by the horizon keeps only its share of a daily volume.
#[test]
fn daily_volume_on_a_partial_day() {
    let s = scenario("12h", "arrivals = { per_day = 240 }", "staff = 3").unwrap();
    assert!((s.channels[0].arrivals.expected(0.0, 12.0 * 3600.0) - 120.0).abs() < 1e-9);
    let open = "open = { from = \"08:00\", to = \"20:00\" }";
    let s = scenario("12h", &format!("arrivals = {{ per_day = 240 }}\n{open}"), "staff = 3").unwrap();
    assert!((s.channels[0].arrivals.expected(0.0, 12.0 * 3600.0) - 80.0).abs() < 1e-9, "08:00–12:00 of 08:00–20:00");
    let s = scenario("30h", &format!("arrivals = {{ per_day = 240 }}\n{open}"), "staff = 3").unwrap();
    assert!((s.channels[0].arrivals.expected(0.0, 30.0 * 3600.0) - 240.0).abs() < 1e-9, "day 2 not yet open");
    assert_eq!(s.channels[0].open, vec![(8.0 * 3600.0, 20.0 * 3600.0)]);
}

/// Results for every interval of every channel and group are kept in memory: a run
/// that would keep too many is refused up front.
#[test]
fn too_many_result_cells() {
    let channel = |n: &str| {
        format!(
            "[[channel]]\nname = \"{n}\"\nkind = \"voice\"\nservice_level = {{ target = 0.8, within = 20 }}\narrivals = {{ per_hour = 1 }}\nhandle_time = {{ dist = \"exponential\", mean = 60 }}\n"
        )
    };
    let text = |horizon: &str| {
        format!(
            "name = \"x\"\nhorizon = \"{horizon}\"\ninterval = \"1m\"\n{}{}{}[[agents]]\nname = \"a\"\nskills = [\"a\", \"b\", \"c\"]\nstaff = 1\n[[agents]]\nname = \"b\"\nskills = [\"a\"]\nstaff = 1\n",
            channel("a"),
            channel("b"),
            channel("c")
        )
    };
    let e = Scenario::from_toml(&text("70d"), "x.toml").unwrap_err().to_string();
    assert!(e.contains("result cells") && e.contains("longer interval"), "{e}");
    assert!(Scenario::from_toml(&text("7d"), "x.toml").is_ok());
}

#[test]
fn opening_hours_shape_live_arrivals() {
    let s = scenario(
        "2d",
        "arrivals = { per_hour = 60 }\nopen = { from = \"08:00\", to = \"20:00\", days = [\"fri\"] }",
        "staff = 3",
    )
    .unwrap();
    let r = &s.channels[0].arrivals;
    assert!((r.expected(0.0, 2.0 * DAY) - 12.0 * 60.0).abs() < 1e-9, "only Friday 08–20 is open");
    assert_eq!(r.rate_at(7.9 * 3600.0), 0.0);
    // A per-interval volume in a closed interval is an error, not silently dropped.
    let mut v = vec!["0"; 48];
    v[2] = "7";
    let e = scenario(
        "1d",
        &format!("arrivals = {{ per_interval = [{}] }}\nopen = {{ from = \"08:00\", to = \"20:00\" }}", v.join(", ")),
        "staff = 3",
    )
    .unwrap_err();
    assert!(e.contains("closed") && e.contains("Fri 01:00"), "{e}");
}

#[test]
fn one_day_of_values_repeats_daily() {
    let v: Vec<String> = (0..48).map(|i| (i % 5).to_string()).collect();
    let s = scenario(
        "2d",
        &format!("arrivals = {{ per_interval = [{}] }}", v.join(", ")),
        &format!("staff = {{ per_interval = [{}] }}", v.join(", ")),
    )
    .unwrap();
    let r = &s.channels[0].arrivals;
    for i in 0..96 {
        let a = i as f64 * 1800.0;
        assert!((r.expected(a, a + 1800.0) - ((i % 48) % 5) as f64).abs() < 1e-9);
        assert_eq!(s.groups[0].headcount.at(a + 1.0), ((i % 48) % 5) as u32);
    }
}
