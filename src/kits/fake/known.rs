//! The document's enum vocabularies, as the fake checks them: every list
//! comes from the generated `KNOWN`, never from a copy.

use crate::types::{
    AnalyticsDimension, AnalyticsMetric, AnalyticsTimeDelta, EdgeIpsConnectivity, EdgeIpsType, OriginDnsType,
    ProxyProtocol, SortDirection, SpectrumAppsOrder, SpectrumDnsType, TlsMode, TrafficType,
};

/// A string enum generated from the document.
pub(crate) trait Known: Clone + PartialEq + Sized + 'static {
    /// Every value the document lists, in its order (the type's `KNOWN`).
    fn values() -> &'static [Self];

    /// The value as it appears on the wire.
    fn name(&self) -> &str;

    /// Whether the document lists this value.
    fn is_listed(&self) -> bool {
        Self::values().contains(self)
    }

    /// The listed value named `text`, if any.
    fn parse(text: &str) -> Option<Self> {
        Self::values().iter().find(|value| value.name() == text).cloned()
    }

    /// The listed values for a message: `"a", "b", "c"`.
    fn listing() -> String {
        let names: Vec<String> = Self::values().iter().map(|v| format!("{:?}", v.name())).collect();
        names.join(", ")
    }
}

/// Implements [`Known`] from the generated `KNOWN` and `as_str`.
macro_rules! known {
    ($($name:ty),+ $(,)?) => {
        $(
            impl Known for $name {
                fn values() -> &'static [Self] {
                    <$name>::KNOWN
                }

                fn name(&self) -> &str {
                    self.as_str()
                }
            }
        )+
    };
}

known!(
    AnalyticsDimension,
    AnalyticsMetric,
    AnalyticsTimeDelta,
    EdgeIpsConnectivity,
    EdgeIpsType,
    OriginDnsType,
    ProxyProtocol,
    SortDirection,
    SpectrumAppsOrder,
    SpectrumDnsType,
    TlsMode,
    TrafficType,
);
