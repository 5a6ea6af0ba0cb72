// Placeholder until the forecasting module lands.
